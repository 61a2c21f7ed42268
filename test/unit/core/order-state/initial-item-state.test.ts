import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  initialItemState,
  type AccountIntakeFacts,
  type AssociationChange,
  type NumberIntakeFacts,
} from '../../../../src/core/order-state/index.js';

const NONE: AssociationChange = { before: false, after: false };
const ADDED: AssociationChange = { before: false, after: true };
const REMOVED: AssociationChange = { before: true, after: false };
const KEPT: AssociationChange = { before: true, after: true, configurationChanged: false };
const RECONFIGURED: AssociationChange = { before: true, after: true, configurationChanged: true };

const SYNC_ALL: AccountIntakeFacts = { syncEnabled: { teamsOperatorConnect: true, teamsPhoneMobile: true } };
const SYNC_NONE: AccountIntakeFacts = { syncEnabled: { teamsOperatorConnect: false, teamsPhoneMobile: false } };
const SYNC_TPM_ONLY: AccountIntakeFacts = { syncEnabled: { teamsOperatorConnect: false, teamsPhoneMobile: true } };

function number(oc: AssociationChange, tpm: AssociationChange = NONE, telephoneNumber = '+15550100001'): NumberIntakeFacts {
  return { telephoneNumber, teamsOperatorConnect: oc, teamsPhoneMobile: tpm };
}

describe('initialItemState', () => {
  describe('completes on commit when no backend call is needed', () => {
    it('account settings', () => assert.equal(initialItemState({ resource: 'account' }, SYNC_ALL), 'completed'));
    it('account settings with an empty number list', () =>
      assert.equal(initialItemState({ resource: 'account', numbers: [] }, SYNC_ALL), 'completed'));
    it('a consent update of an account that syncs neither OC nor TPM (recorded only), even listing numbers', () =>
      assert.equal(initialItemState({ resource: 'consent', numbers: [number(ADDED)] }, SYNC_NONE), 'completed'));
    it('numbers with only Direct Routing / Zoom / Call Protection associations', () =>
      assert.equal(initialItemState({ resource: 'numbers', numbers: [number(NONE), number(NONE)] }, SYNC_ALL), 'completed'));
    it('a custom SIP header change on an OC number (OC configuration unchanged)', () =>
      assert.equal(initialItemState({ resource: 'numbers', numbers: [number(KEPT)] }, SYNC_ALL), 'completed'));
    it('deleting numbers that have no OC/TPM association', () =>
      assert.equal(
        initialItemState(
          { resource: 'numbers', numbers: [number(NONE, NONE, '+15550100001'), number(NONE, NONE, '+15550100002')] },
          SYNC_ALL,
        ),
        'completed',
      ));
    it('an OC association an unsynced account adds', () =>
      assert.equal(initialItemState({ resource: 'numbers', numbers: [number(ADDED)] }, SYNC_NONE), 'completed'));
    it('an OC association removed while only TPM syncs', () =>
      assert.equal(initialItemState({ resource: 'numbers', numbers: [number(REMOVED)] }, SYNC_TPM_ONLY), 'completed'));
  });

  describe('stays inProgress for flow-through', () => {
    it('adding an Operator Connect association', () =>
      assert.equal(initialItemState({ resource: 'numbers', numbers: [number(ADDED)] }, SYNC_ALL), 'inProgress'));
    it('removing an Operator Connect association (delete of an OC number)', () =>
      assert.equal(initialItemState({ resource: 'numbers', numbers: [number(REMOVED)] }, SYNC_ALL), 'inProgress'));
    it('changing an Operator Connect configuration', () =>
      assert.equal(initialItemState({ resource: 'numbers', numbers: [number(RECONFIGURED)] }, SYNC_ALL), 'inProgress'));
    it('adding a Teams Phone Mobile association', () =>
      assert.equal(initialItemState({ resource: 'numbers', numbers: [number(NONE, ADDED)] }, SYNC_ALL), 'inProgress'));
    it('one flow-through number among many local ones', () =>
      assert.equal(
        initialItemState({ resource: 'numbers', numbers: [number(NONE), number(KEPT), number(NONE, RECONFIGURED)] }, SYNC_ALL),
        'inProgress',
      ));
    it('moving a number from OC to TPM when only TPM syncs', () =>
      assert.equal(initialItemState({ resource: 'numbers', numbers: [number(REMOVED, ADDED)] }, SYNC_TPM_ONLY), 'inProgress'));
    it('a consent update of an account that syncs OC or TPM: its customer relationship is written back', () => {
      assert.equal(initialItemState({ resource: 'consent' }, SYNC_ALL), 'inProgress');
      assert.equal(initialItemState({ resource: 'consent' }, SYNC_TPM_ONLY), 'inProgress');
    });
    it('an account delete that takes its OC numbers with it', () =>
      assert.equal(initialItemState({ resource: 'account', numbers: [number(REMOVED)] }, SYNC_ALL), 'inProgress'));
  });

  it('treats "associated before and after" without configurationChanged as unchanged', () => {
    assert.equal(initialItemState({ resource: 'numbers', numbers: [number({ before: true, after: true })] }, SYNC_ALL), 'completed');
  });

  describe('under BACKEND=acg every number change goes to Azure Communications Gateway', () => {
    const ACG_SYNC_NONE: AccountIntakeFacts = { ...SYNC_NONE, backend: 'acg' };
    const ACG_SYNC_ALL: AccountIntakeFacts = { ...SYNC_ALL, backend: 'acg' };
    const acg = (change: AssociationChange, oc: AssociationChange = NONE, telephoneNumber = '+15550100001'): NumberIntakeFacts => ({
      ...number(oc, NONE, telephoneNumber),
      acgNumber: change,
    });

    it('a number created, deleted or changed (services or custom SIP header) makes a numbers item inProgress, syncEnabled or not', () => {
      for (const change of [ADDED, REMOVED, RECONFIGURED]) {
        assert.equal(initialItemState({ resource: 'numbers', numbers: [acg(change)] }, ACG_SYNC_NONE), 'inProgress');
        assert.equal(initialItemState({ resource: 'numbers', numbers: [acg(change)] }, ACG_SYNC_ALL), 'inProgress');
      }
    });
    it('a Direct Routing-only number created is backend work (it is not under operator-connect)', () => {
      assert.equal(initialItemState({ resource: 'numbers', numbers: [acg(ADDED)] }, ACG_SYNC_ALL), 'inProgress');
      assert.equal(initialItemState({ resource: 'numbers', numbers: [acg(ADDED)] }, SYNC_ALL), 'completed');
    });
    it('a numbers item that changes nothing completes on commit, even with an OC association flagged', () => {
      assert.equal(
        initialItemState({ resource: 'numbers', numbers: [acg(KEPT), acg(KEPT, NONE, '+15550100002')] }, ACG_SYNC_ALL),
        'completed',
      );
      assert.equal(initialItemState({ resource: 'numbers', numbers: [acg(KEPT, RECONFIGURED)] }, ACG_SYNC_ALL), 'completed');
      assert.equal(initialItemState({ resource: 'numbers', numbers: [number(ADDED)] }, ACG_SYNC_ALL), 'completed');
    });
    it('one changed number among unchanged ones', () =>
      assert.equal(
        initialItemState({ resource: 'numbers', numbers: [acg(KEPT), acg(RECONFIGURED, NONE, '+15550100002')] }, ACG_SYNC_NONE),
        'inProgress',
      ));
    it('an account item is always inProgress: the account resource is written to ACG', () => {
      assert.equal(initialItemState({ resource: 'account' }, ACG_SYNC_NONE), 'inProgress');
      assert.equal(initialItemState({ resource: 'account', numbers: [] }, ACG_SYNC_ALL), 'inProgress');
      assert.equal(initialItemState({ resource: 'account', numbers: [acg(REMOVED)] }, ACG_SYNC_NONE), 'inProgress');
    });
    it('consent items keep their rule (writesConsent)', () => {
      assert.equal(initialItemState({ resource: 'consent' }, ACG_SYNC_ALL), 'inProgress');
      assert.equal(initialItemState({ resource: 'consent' }, ACG_SYNC_NONE), 'completed');
    });
    it("backend 'operator-connect' is today's rule", () => {
      const oc: AccountIntakeFacts = { ...SYNC_ALL, backend: 'operator-connect' };
      assert.equal(initialItemState({ resource: 'account' }, oc), 'completed');
      assert.equal(initialItemState({ resource: 'numbers', numbers: [acg(ADDED)] }, oc), 'completed');
      assert.equal(initialItemState({ resource: 'numbers', numbers: [acg(NONE, ADDED)] }, oc), 'inProgress');
    });
  });
});
