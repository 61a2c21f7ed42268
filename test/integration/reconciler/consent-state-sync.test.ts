import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, it } from 'node:test';
import type pg from 'pg';
import {
  acgConsentReader,
  ConsentStateSync,
  createConsentStateSync,
  operatorConnectConsentReader,
  type ConsentReader,
  type ConsentView,
} from '../../../src/reconciler/index.js';
import { acgSimulatorWithClient } from '../../support/acg-consent-client.js';
import { setUp, TENANT_EU, TENANT_NONE, TENANT_US } from '../../support/reconciler.js';
import { createTestDatabase, silentLogger, testConfig } from '../../support/test-context.js';

interface Row {
  tenant_id: string;
  status: string;
  consented_countries: string[];
  contacts: unknown[];
  customer_relationship: { status?: string; comment?: string; lastModifiedOn?: string } | null;
  consented_on: Date | null;
  product_context: string | null;
  operator_id: string | null;
  account_name: string | null;
  read_at: Date;
  gone_at: Date | null;
}

async function rows(pool: pg.Pool): Promise<Map<string, Row>> {
  const { rows } = await pool.query<Row>('SELECT * FROM backend_consents ORDER BY tenant_id');
  return new Map(rows.map((r) => [r.tenant_id, r]));
}

const contact = { fullName: 'Grace Hopper', email: 'grace@contoso.example', telephoneNumber: '+14255550199' };

describe('consent state sync against the Operator Connect simulator', () => {
  it('lists every consent at its interval, records what the backend reports, and reads one tenant on demand', async (t) => {
    const s = await setUp(t);
    s.simulator.admin.setConsent(TENANT_US, {
      contacts: [contact],
      customerRelationship: { status: 'CustomerContacted', comment: 'called on Monday' },
    });
    let now = 1_000_000;
    const reader = operatorConnectConsentReader(s.client().client);
    const sync = createConsentStateSync(testConfig({ RECONCILER_CONSENT_SYNC_MS: '60000' }), {
      pool: s.pool,
      logger: silentLogger(),
      consents: reader,
      now: () => now,
    });
    assert.equal(await sync.run(), 0, 'the first list is one interval after start');
    now += 60_000;
    assert.equal(await sync.run(), 2);
    let stored = await rows(s.pool);
    assert.deepEqual([...stored.keys()], [TENANT_US, TENANT_EU].sort());
    const us = stored.get(TENANT_US)!;
    assert.equal(us.status, 'active');
    assert.deepEqual(us.consented_countries, ['US', 'CA']);
    assert.deepEqual(us.contacts, [contact]);
    assert.equal(us.customer_relationship?.status, 'CustomerContacted');
    assert.equal(us.customer_relationship?.comment, 'called on Monday');
    assert.equal(us.product_context, 'teams');
    assert.ok(us.operator_id);
    assert.ok(us.consented_on instanceof Date);
    assert.equal(us.gone_at, null);

    // Not due yet: no call.
    const calls = s.simulator.counters.snapshot().calls;
    assert.equal(await sync.run(), 0);
    assert.deepEqual(s.simulator.counters.snapshot().calls, calls);

    s.simulator.admin.setConsent(TENANT_US, { status: 'suspended' });
    now += 60_000;
    assert.equal(await sync.run(), 2);
    stored = await rows(s.pool);
    assert.equal(stored.get(TENANT_US)?.status, 'suspended');

    // On demand: one tenant (any case); a tenant without a consent is not recorded.
    s.simulator.admin.setConsent(TENANT_EU, { consentedCountries: ['DE', 'GB', 'FR'] });
    now += 1;
    const eu = await sync.refresh(TENANT_EU.toUpperCase());
    assert.deepEqual(eu.consent?.consentedCountries, ['DE', 'GB', 'FR']);
    assert.deepEqual((await rows(s.pool)).get(TENANT_EU)?.consented_countries, ['DE', 'GB', 'FR']);
    const none = await sync.refresh(TENANT_NONE);
    assert.equal(none.consent, null);
    assert.equal((await rows(s.pool)).has(TENANT_NONE), false);
  });

  it('RECONCILER_CONSENT_SYNC_MS=0 turns the polling off', async (t) => {
    const s = await setUp(t);
    const sync = createConsentStateSync(testConfig({ RECONCILER_CONSENT_SYNC_MS: '0' }), {
      pool: s.pool,
      logger: silentLogger(),
      consents: operatorConnectConsentReader(s.client().client),
    });
    assert.equal(await sync.run(), 0);
    assert.equal((await rows(s.pool)).size, 0);
  });
});

describe('consent state sync against the ACG simulator', () => {
  it('records requests for information with contacts, relationship and account; a tenant no longer listed is marked gone, and back', async (t) => {
    const seeded = 'a7f4bd5c-cc01-40f4-8baa-2b6bdb272b8a';
    const added = 'b1c2d3e4-0000-4000-8000-00000000000b';
    const { simulator, client, api } = await acgSimulatorWithClient(t, {
      requestsForInformation: [
        {
          tenantId: seeded,
          consentedCountries: ['US', 'GB'],
          contacts: [contact],
          customerRelationship: { status: 'ConsentAcknowledged', comment: 'Acknowledged' },
        },
      ],
    });
    const created = await api.call('PUT', '/accounts/contoso', {
      name: 'contoso',
      serviceDetails: { teamsTenantId: seeded, teamsOperatorConnect: { enabled: true, syncEnabled: true } },
    });
    assert.ok(created.status < 300, JSON.stringify(created.body));
    simulator.admin.putRequestForInformation({ tenantId: added.toUpperCase(), status: 'suspended', consentedCountries: ['DE'] });
    const { pool } = await createTestDatabase();
    let now = 5_000_000;
    const sync = new ConsentStateSync({ pool, logger: silentLogger(), reader: acgConsentReader(client), intervalMs: 1000, now: () => now });

    assert.equal(await sync.syncAll(), 2);
    let stored = await rows(pool);
    const rfi = stored.get(seeded)!;
    assert.equal(rfi.status, 'active');
    assert.deepEqual(rfi.consented_countries, ['US', 'GB']);
    assert.deepEqual(rfi.contacts, [contact]);
    assert.equal(rfi.customer_relationship?.status, 'ConsentAcknowledged');
    assert.equal(rfi.customer_relationship?.comment, 'Acknowledged');
    assert.ok(rfi.customer_relationship?.lastModifiedOn);
    assert.equal(rfi.account_name, 'contoso');
    assert.equal(rfi.product_context, 'teams');
    assert.equal(stored.get(added)?.status, 'suspended');

    // Back to the seeded state: the added tenant is no longer listed.
    simulator.admin.reset();
    now += 1000;
    assert.equal(await sync.run(), 1);
    stored = await rows(pool);
    assert.ok(stored.get(added)?.gone_at instanceof Date, 'marked gone');
    assert.equal(stored.get(added)?.status, 'suspended', "the backend's last word is kept");
    assert.equal(stored.get(seeded)?.gone_at, null);

    // Listed again (a refresh: ACG lists them all, and the list is recorded whole).
    simulator.admin.putRequestForInformation({ tenantId: added, status: 'active', consentedCountries: ['DE'] });
    now += 10;
    const again = await sync.refresh(added, { wholeList: true });
    assert.equal(again.consent?.status, 'active');
    assert.equal(again.recorded, 2);
    stored = await rows(pool);
    assert.equal(stored.get(added)?.gone_at, null);
    assert.equal(stored.get(added)?.status, 'active');
  });
});

describe('consent state sync, shared reads and failures', () => {
  const view = (tenantId: string, status = 'active'): ConsentView => ({ tenantId, status, consentedCountries: ['US'] });

  it('records what planning reads through observe(), and counts its lists as its own (the interval starts again)', async () => {
    const { pool } = await createTestDatabase();
    let lists = 0;
    const reader: ConsentReader = {
      async listConsents() {
        lists += 1;
        return [view(TENANT_US), view(TENANT_EU, 'suspended')];
      },
      async getConsent(tenantId) {
        return view(tenantId);
      },
    };
    let now = 0;
    const sync = new ConsentStateSync({ pool, logger: silentLogger(), reader, intervalMs: 60_000, now: () => now });
    now = 100_000;
    const shared = sync.observe(reader);
    assert.equal((await shared.listConsents()).length, 2);
    for (let i = 0; i < 100 && (await rows(pool)).size < 2; i += 1) await delay(10);
    assert.equal((await rows(pool)).get(TENANT_EU)?.status, 'suspended');
    assert.equal(await sync.run(), 0, 'the observed list was the read of this interval');
    assert.equal(lists, 1);
    now += 60_000;
    assert.equal(await sync.run(), 2);
    assert.equal(lists, 2);
    // A single read for planning is recorded too.
    await shared.getConsent(TENANT_NONE);
    for (let i = 0; i < 100 && !(await rows(pool)).has(TENANT_NONE); i += 1) await delay(10);
    assert.equal((await rows(pool)).get(TENANT_NONE)?.status, 'active');
  });

  it('run() logs a failed read and tries again at the next interval instead of throwing', async () => {
    const { pool } = await createTestDatabase();
    let fail = true;
    const reader: ConsentReader = {
      async listConsents() {
        if (fail) throw new Error('backend down');
        return [view(TENANT_US)];
      },
      async getConsent(tenantId) {
        return view(tenantId);
      },
    };
    let now = 0;
    const sync = new ConsentStateSync({ pool, logger: silentLogger(), reader, intervalMs: 1000, now: () => now });
    now += 1000;
    assert.equal(await sync.run(), 0);
    fail = false;
    assert.equal(await sync.run(), 0, 'not again before the interval');
    now += 1000;
    assert.equal(await sync.run(), 1);
  });

  it('an older read never overwrites a newer one', async () => {
    const { pool } = await createTestDatabase();
    let status = 'suspended';
    const reader: ConsentReader = {
      async listConsents() {
        return [view(TENANT_US, status)];
      },
      async getConsent(tenantId) {
        return view(tenantId, status);
      },
    };
    let now = Date.UTC(2026, 11, 1);
    const sync = new ConsentStateSync({ pool, logger: silentLogger(), reader, intervalMs: 1000, now: () => now });
    await sync.refresh(TENANT_US);
    status = 'active';
    now -= 5000; // a read that began before the one recorded
    await sync.refresh(TENANT_US);
    assert.equal((await rows(pool)).get(TENANT_US)?.status, 'suspended');
  });
});
