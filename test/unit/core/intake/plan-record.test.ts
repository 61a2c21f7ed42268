import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptyIntakeState, type IntakeState } from '../../../../src/core/intake/intake-state.js';
import { planRecord, type DirtyKeys, type PlanOptions } from '../../../../src/core/intake/plan-record.js';
import type { AcceptedOrder, FlowNumber } from '../../../../src/core/intake/planned-order.js';
import type { AccountServiceDetailsSpec, NumberSpec, Order, OrderItem } from '../../../../src/core/order/order.js';
import { ACG_NUMBER_SERVICE } from '../../../../src/core/reconcile/backend-kind.js';

const TENANT = 'a7f4bd5c-cc01-40f4-8baa-2b6bdb272b8a';
const ACCOUNT = 'contoso';

function accountDetails(sync: boolean): AccountServiceDetailsSpec {
  return {
    teamsTenantId: TENANT,
    teamsOperatorConnect: { enabled: true, syncEnabled: sync },
    teamsPhoneMobile: { enabled: true, syncEnabled: sync },
    teamsDirectRouting: { enabled: true, syncEnabled: sync },
    zoomPhoneCloudPeering: { enabled: true, syncEnabled: sync },
    azureOperatorCallProtection: { enabled: true },
  };
}

const accountUpsert = (sync = true, id = 'account'): OrderItem => ({
  id,
  action: 'upsert',
  resource: 'account',
  account: { name: ACCOUNT, serviceDetails: accountDetails(sync) },
});

const directRouting = (telephoneNumber: string, customSipHeader?: string): NumberSpec => ({
  telephoneNumber,
  serviceDetails: { teamsDirectRouting: { enabled: true }, zoomPhoneCloudPeering: { enabled: false } },
  ...(customSipHeader === undefined ? {} : { configuration: { customSipHeader } }),
});

const operatorConnect = (telephoneNumber: string): NumberSpec => ({
  telephoneNumber,
  serviceDetails: {
    teamsOperatorConnect: {
      enabled: true,
      configuration: { usage: 'CallingUserAssignment', choosableCapabilities: ['InboundCalling'], allowTenantAddressUpdate: false },
    },
  },
});

const upsertNumbers = (numbers: NumberSpec[], id = 'numbers'): OrderItem => ({ id, action: 'upsert', resource: 'numbers', numbers });
const deleteNumbers = (numbers: string[], id = 'delete'): OrderItem => ({
  id,
  action: 'delete',
  resource: 'numbers',
  numbers: numbers.map((telephoneNumber) => ({ telephoneNumber })),
});
const deleteAccount = (deleteNumbersToo: boolean, id = 'gone'): OrderItem => ({
  id,
  action: 'delete',
  resource: 'account',
  deleteNumbers: deleteNumbersToo,
});
const consent = (id = 'consent'): OrderItem => ({
  id,
  action: 'update',
  resource: 'consent',
  tenantId: TENANT,
  consent: { customerRelationship: { status: 'AgreementSigned' } },
});

/** Plans orders one after the other against one state, as a chunk of the intake does. */
class Planner {
  readonly state: IntakeState = emptyIntakeState();
  private minute = 0;

  constructor(private readonly options: PlanOptions = {}) {}

  plan(orderId: string, items: OrderItem[]): AcceptedOrder {
    this.minute += 1;
    const order: Order = {
      orderId,
      account: ACCOUNT,
      requestedAt: new Date(Date.UTC(2026, 10, 1, 0, this.minute)).toISOString(),
      items,
    };
    const dirty: DirtyKeys = { accounts: new Set(), numbers: new Set(), consents: new Set() };
    const decision = planRecord(
      this.state,
      {
        parsed: {
          ok: true,
          order,
          envelope: { id: orderId, source: 'test', type: 'order', mode: 'binary' },
          warnings: [],
          forceStale: false,
        },
        fingerprint: orderId,
        key: ACCOUNT,
        occurredAt: order.requestedAt,
      },
      dirty,
      this.options,
    );
    assert.equal(decision.kind, 'accepted', JSON.stringify(decision));
    return decision as AcceptedOrder;
  }
}

const states = (order: AcceptedOrder) => order.items.map((i) => `${i.item.id}:${i.state}`);
const rows = (order: AcceptedOrder, position = 0): readonly FlowNumber[] => order.items[position]?.flowNumbers ?? [];
const acgRow = (telephoneNumber: string, operation: FlowNumber['operation']): FlowNumber => ({
  telephoneNumber,
  service: ACG_NUMBER_SERVICE,
  operation,
});

describe('planRecord: backend work per item', () => {
  describe("BACKEND=operator-connect (the default): today's rules", () => {
    it('account settings and Direct Routing numbers complete on commit; OC numbers of a synced account are work', () => {
      const planner = new Planner();
      const order = planner.plan('o1', [
        accountUpsert(),
        upsertNumbers([directRouting('+14255550100', 'abc'), operatorConnect('+14255550101')]),
      ]);
      assert.deepEqual(states(order), ['account:completed', 'numbers:inProgress']);
      assert.deepEqual(rows(order, 1), [{ telephoneNumber: '+14255550101', service: 'teamsOperatorConnect', operation: 'upload' }]);
    });
    it('a custom SIP header change is no work', () => {
      const planner = new Planner({ backend: 'operator-connect' });
      planner.plan('o1', [accountUpsert(), upsertNumbers([directRouting('+14255550100', 'abc')])]);
      const order = planner.plan('o2', [upsertNumbers([directRouting('+14255550100', 'xyz')])]);
      assert.deepEqual(states(order), ['numbers:completed']);
      assert.deepEqual(rows(order), []);
    });
  });

  describe('BACKEND=acg: every number change is one acgNumber work row', () => {
    it('an account upsert is inProgress (written to ACG) with no work rows; a created number is an upload whatever the service', () => {
      const planner = new Planner({ backend: 'acg' });
      const order = planner.plan('o1', [
        accountUpsert(false),
        upsertNumbers([directRouting('+14255550100'), operatorConnect('+14255550101')]),
      ]);
      assert.deepEqual(states(order), ['account:inProgress', 'numbers:inProgress']);
      assert.deepEqual(rows(order, 0), []);
      assert.deepEqual(rows(order, 1), [acgRow('+14255550100', 'upload'), acgRow('+14255550101', 'upload')]);
      assert.equal(order.state, 'inProgress');
    });

    it('the same number again is no work; a changed custom SIP header or service is an update', () => {
      const planner = new Planner({ backend: 'acg' });
      planner.plan('o1', [accountUpsert(), upsertNumbers([directRouting('+14255550100', 'abc'), directRouting('+14255550101')])]);
      const same = planner.plan('o2', [upsertNumbers([directRouting('+14255550100', 'abc'), directRouting('+14255550101')])]);
      assert.deepEqual(states(same), ['numbers:completed']);
      assert.deepEqual(rows(same), []);
      assert.equal(same.state, 'completed');

      const changed = planner.plan('o3', [upsertNumbers([directRouting('+14255550100', 'xyz'), operatorConnect('+14255550101')])]);
      assert.deepEqual(states(changed), ['numbers:inProgress']);
      assert.deepEqual(rows(changed), [acgRow('+14255550100', 'update'), acgRow('+14255550101', 'update')]);
    });

    it('service details in another key order are the same number', () => {
      const planner = new Planner({ backend: 'acg' });
      planner.plan('o1', [accountUpsert(), upsertNumbers([directRouting('+14255550100')])]);
      const reordered: NumberSpec = {
        telephoneNumber: '+14255550100',
        serviceDetails: { zoomPhoneCloudPeering: { enabled: false }, teamsDirectRouting: { enabled: true } },
      };
      assert.deepEqual(rows(planner.plan('o2', [upsertNumbers([reordered])])), []);
    });

    it('a deleted number is a release; created again, an upload', () => {
      const planner = new Planner({ backend: 'acg' });
      planner.plan('o1', [accountUpsert(), upsertNumbers([directRouting('+14255550100')])]);
      const deleted = planner.plan('o2', [deleteNumbers(['+14255550100'])]);
      assert.deepEqual(states(deleted), ['delete:inProgress']);
      assert.deepEqual(rows(deleted), [acgRow('+14255550100', 'release')]);
      const again = planner.plan('o3', [upsertNumbers([directRouting('+14255550100')])]);
      assert.deepEqual(rows(again), [acgRow('+14255550100', 'upload')]);
    });

    it('deleting a number that is already gone is no work (a warning only)', () => {
      const planner = new Planner({ backend: 'acg' });
      planner.plan('o1', [accountUpsert()]);
      const order = planner.plan('o2', [deleteNumbers(['+14255550100'])]);
      assert.deepEqual(states(order), ['delete:completed']);
      assert.deepEqual(rows(order), []);
    });

    it('an account delete with deleteNumbers releases each live number and stays inProgress', () => {
      const planner = new Planner({ backend: 'acg' });
      planner.plan('o1', [accountUpsert(false), upsertNumbers([directRouting('+14255550100'), directRouting('+14255550101')])]);
      planner.plan('o2', [deleteNumbers(['+14255550101'])]);
      const order = planner.plan('o3', [deleteAccount(true)]);
      assert.deepEqual(states(order), ['gone:inProgress']);
      assert.deepEqual(rows(order), [acgRow('+14255550100', 'release')]);
    });

    it('an account delete of an account without numbers is inProgress with no work rows', () => {
      const planner = new Planner({ backend: 'acg' });
      planner.plan('o1', [accountUpsert()]);
      const order = planner.plan('o2', [deleteAccount(false)]);
      assert.deepEqual(states(order), ['gone:inProgress']);
      assert.deepEqual(rows(order), []);
    });

    it('consent items keep their rule: written when the account syncs OC or TPM', () => {
      const synced = new Planner({ backend: 'acg' });
      assert.deepEqual(states(synced.plan('o1', [accountUpsert(true), consent()])), ['account:inProgress', 'consent:inProgress']);
      const unsynced = new Planner({ backend: 'acg' });
      assert.deepEqual(states(unsynced.plan('o1', [accountUpsert(false), consent()])), ['account:inProgress', 'consent:completed']);
    });
  });
});
