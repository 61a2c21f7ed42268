import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { consentsCommand } from '../../../src/app/cli/commands/consents-command.js';
import { CONTACT, HELD, seedConsents, TENANT_EU, TENANT_NONE, TENANT_US } from '../../support/consent-fixture.js';
import { captureIo } from '../../support/ops.js';
import { silentLogger, testConfig } from '../../support/test-context.js';

async function fixture(t: TestContext) {
  const s = await seedConsents(t);
  const config = testConfig({ DATABASE_URL: s.db.url });
  const run = async (...args: string[]) => {
    const io = captureIo();
    const code = await consentsCommand(args, { config, logger: silentLogger(), io, reader: s.reader });
    return { code, out: io.out(), err: io.err(), json: () => JSON.parse(io.out()) as Record<string, unknown> };
  };
  return { ...s, run };
}

describe('flowthrough consents', () => {
  it('lists every tenant with its state, countries, both relationships and held numbers; --status filters', async (t) => {
    const { run } = await fixture(t);
    const json = (await run('list', '--json')).json().consents as Array<{
      tenantId: string;
      state: string;
      consentedCountries: string[];
      customerRelationship: { ours: { status: string; sync: string } | null; backend: { status?: string } | null };
      heldNumbers: number;
    }>;
    const by = new Map(json.map((c) => [c.tenantId, c]));
    assert.deepEqual([...by.keys()], [TENANT_US, TENANT_EU, TENANT_NONE].sort());
    assert.equal(by.get(TENANT_US)?.state, 'active');
    assert.deepEqual(by.get(TENANT_US)?.consentedCountries, ['US', 'CA']);
    assert.equal(by.get(TENANT_US)?.customerRelationship.ours?.status, 'AgreementSigned');
    assert.equal(by.get(TENANT_US)?.customerRelationship.ours?.sync, 'synced');
    assert.equal(by.get(TENANT_US)?.customerRelationship.backend?.status, 'AgreementSigned');
    assert.equal(by.get(TENANT_EU)?.customerRelationship.ours, null);
    assert.equal(by.get(TENANT_NONE)?.state, 'unknown');
    assert.equal(by.get(TENANT_NONE)?.customerRelationship.ours?.sync, 'failed');
    assert.equal(by.get(TENANT_NONE)?.heldNumbers, 2);

    const unknown = (await run('list', '--status', 'unknown', '--json')).json().consents as Array<{ tenantId: string }>;
    assert.deepEqual(
      unknown.map((c) => c.tenantId),
      [TENANT_NONE],
    );
    const table = await run('list');
    assert.equal(table.code, 0, table.err);
    assert.match(table.out, /^TENANT\s+STATE\s+COUNTRIES\s+OURS\s+BACKEND RELATIONSHIP\s+HELD\s+READ/);
    assert.match(table.out, new RegExp(`${TENANT_US}\\s+active\\s+US,CA\\s+AgreementSigned \\(synced\\)\\s+AgreementSigned\\s+0`));
    const bad = await run('list', '--status', 'asleep');
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--status takes one of active, suspended, removed, gone, unknown/);
  });

  it('shows a tenant: contacts, relationships, and the numbers held waiting for its consent with orders and reason', async (t) => {
    const { run, simulator } = await fixture(t);
    const us = (await run('show', TENANT_US.toUpperCase(), '--json')).json();
    assert.equal(us.tenantId, TENANT_US);
    assert.deepEqual(us.accounts, ['contoso']);
    assert.deepEqual(us.contacts, [CONTACT]);
    assert.deepEqual((us.customerRelationship as { ours: { comment: string } }).ours.comment, 'signed 2026-11-29');

    const none = await run('show', TENANT_NONE);
    assert.equal(none.code, 0, none.err);
    assert.match(none.out, new RegExp(`^consent of tenant ${TENANT_NONE}: unknown`));
    assert.match(none.out, /relationship \(ours\):\s+CustomerContacted — order rel-none, failed: ConsentNotFound/);
    assert.match(none.out, /held numbers waiting for this consent: 2/);
    assert.match(none.out, /\+14255550700\s+teamsOperatorConnect\s+held-none\s+\S+\s+NoActiveConsent: /);
    const held = (await run('show', TENANT_NONE, '--json')).json().heldNumbers as {
      total: number;
      numbers: Array<{ telephoneNumber: string; orderId: string; heldReason: { code: string } }>;
    };
    assert.equal(held.total, 2);
    assert.deepEqual(held.numbers.map((n) => [n.telephoneNumber, n.orderId, n.heldReason.code]).sort(), [
      [HELD[0], 'held-none', 'NoActiveConsent'],
      [HELD[1], 'held-none', 'NoActiveConsent'],
    ]);

    // --refresh reads the backend now: the tenant consented in the meantime.
    simulator.admin.setConsent(TENANT_NONE, { status: 'active', consentedCountries: ['US'] });
    const refreshed = (await run('show', TENANT_NONE, '--refresh', '--json')).json();
    assert.equal(refreshed.state, 'active');
    assert.deepEqual(refreshed.consentedCountries, ['US']);
    assert.ok((refreshed.backend as { readAt: string }).readAt);
  });

  it('answers 1 for a tenant nobody knows, and 2 for a usage error', async (t) => {
    const { run } = await fixture(t);
    const missing = await run('show', '99999999-9999-4999-8999-999999999999');
    assert.equal(missing.code, 1);
    assert.match(missing.err, /no consent known for tenant/);
    const refreshed = await run('show', '99999999-9999-4999-8999-999999999999', '--refresh');
    assert.equal(refreshed.code, 1);
    assert.match(refreshed.err, /the backend \(operator-connect\) has no consent of tenant/);
    assert.equal((await run('show')).code, 2);
    assert.equal((await run('frobnicate')).code, 2);
    assert.equal((await run('--help')).code, 0);
  });
});
