export {
  ITEM_STATES,
  NUMBER_OUTCOMES,
  ORDER_STATES,
  SUPERSEDED_BY_LATER_ORDER,
  TERMINAL_STATES,
  isItemState,
  isOrderState,
  isTerminal,
  type ItemState,
  type NumberOutcome,
  type OrderState,
} from './states.js';
export { canTransition, transition } from './transitions.js';
export { rollUpItemState, rollUpOrderState } from './roll-up.js';
export {
  FLOW_THROUGH_SERVICES,
  initialItemState,
  needsFlowThrough,
  writesConsent,
  type AccountIntakeFacts,
  type AssociationChange,
  type FlowThroughService,
  type ItemIntakeFacts,
  type NumberIntakeFacts,
} from './initial-item-state.js';
