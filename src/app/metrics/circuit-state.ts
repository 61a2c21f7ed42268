import type { CircuitState } from '../../operator-connect/index.js';

/** The circuit-breaker state as a gauge value: 0 closed, 1 half-open, 2 open (higher is worse). */
export function circuitStateValue(state: CircuitState): 0 | 1 | 2 {
  switch (state) {
    case 'closed':
      return 0;
    case 'half-open':
      return 1;
    case 'open':
      return 2;
  }
}
