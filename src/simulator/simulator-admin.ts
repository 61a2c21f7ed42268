import { PermanentError } from '../core/errors.js';
import type { Consent, NumberStatus, Order, OrderStatus } from '../contracts/operator-connect-api.js';
import type { Counters } from './counters.js';
import type { FaultOptions, FaultPlan, ScriptedFault } from './faults.js';
import type { Ledger } from './ledger.js';
import { consentPatchSchema, faultOptionsSchema, numberPlacementSchema, tokenOverridesSchema } from './option-schemas.js';
import type { ResolvedOptions } from './options.js';
import type { OrderBook } from './orders.js';
import type { RateLimiter } from '../platform/time/rate-limiter.js';
import type { RepeatabilityStore } from './repeatability.js';
import { E164_PATTERN, GUID_PATTERN } from './request-schemas.js';
import type { ConsentSeed, NumberSeed } from './seeds.js';
import type { ConsentPatch, NumberRecord, SimulatorState } from './state.js';
import type { TokenAuthority, TokenOverrides } from './token-authority.js';
import { check } from './validation.js';

export interface SimulatorParts {
  readonly options: ResolvedOptions;
  readonly state: SimulatorState;
  readonly ledger: Ledger;
  readonly counters: Counters;
  readonly orders: OrderBook;
  readonly faults: FaultPlan;
  readonly bucket: RateLimiter;
  readonly repeatability: RepeatabilityStore;
  readonly authority: TokenAuthority;
}

function invalid(what: string, problems: readonly { target: string; message: string }[]): PermanentError {
  return new PermanentError(
    'invalid_simulator_admin_request',
    `${what}:\n${problems.map((p) => `  - ${p.target || '(root)'}: ${p.message}`).join('\n')}`,
    {
      context: { problems: problems.length },
    },
  );
}

/**
 * The enterprise's and Microsoft's side of the world, which the API cannot
 * touch: consents as tenants give them, numbers given to users, faults,
 * time-savers for tests. Also served over HTTP under /admin (unauthenticated).
 */
export class SimulatorAdmin {
  private seeds: { consents: readonly ConsentSeed[]; numbers: readonly NumberSeed[] } = { consents: [], numbers: [] };

  constructor(private readonly parts: SimulatorParts) {}

  /** Called at start with the inline and file seeds; reset() goes back to them. */
  loadSeeds(seeds: { consents: readonly ConsentSeed[]; numbers: readonly NumberSeed[] }): void {
    this.seeds = seeds;
    this.parts.state.load(seeds);
  }

  /** Creates or changes a tenant's consent (status, countries, contacts, civic addresses). */
  setConsent(tenantId: string, patch: ConsentPatch): Consent {
    const problems = check(consentPatchSchema, patch);
    if (!new RegExp(GUID_PATTERN).test(tenantId)) problems.push({ target: 'tenantId', message: 'must be a GUID' });
    if (problems.length > 0) throw invalid('invalid consent change', problems);
    return this.parts.state.upsertConsent(tenantId, patch);
  }

  /** Puts a number in a tenant's hands without an order (and without a ledger entry): pre-existing state. */
  placeNumber(seed: NumberSeed): NumberStatus {
    const { telephoneNumber, ...placement } = seed;
    const problems = check(numberPlacementSchema, placement);
    if (!new RegExp(E164_PATTERN).test(telephoneNumber)) problems.push({ target: 'telephoneNumber', message: 'must be E.164' });
    if (problems.length > 0) throw invalid('invalid number placement', problems);
    const record = this.parts.state.placeNumber(seed, null);
    return this.parts.state.numberStatus(record.tenantId, telephoneNumber);
  }

  /** The enterprise assigns the number to a user in Teams (or unassigns it). */
  setAssignedToUser(telephoneNumber: string, assignedToUser: boolean): NumberStatus {
    const record = this.parts.state.setAssignedToUser(telephoneNumber, assignedToUser);
    if (!record) throw new PermanentError('simulator_number_not_found', `no tenant holds ${telephoneNumber}`);
    return this.parts.state.numberStatus(record.tenantId, telephoneNumber);
  }

  numbers(): readonly NumberRecord[] {
    return this.parts.state.allNumbers();
  }

  numberStatus(tenantId: string, telephoneNumber: string): NumberStatus {
    return this.parts.state.numberStatus(tenantId, telephoneNumber);
  }

  /** Appends scripted faults; replaces probabilities when given. */
  injectFaults(options: FaultOptions): readonly ScriptedFault[] {
    const problems = check(faultOptionsSchema, options);
    if (problems.length > 0) throw invalid('invalid fault options', problems);
    this.parts.faults.add(options);
    return this.parts.faults.pendingScript();
  }

  clearFaults(): void {
    this.parts.faults.clear();
  }

  order(orderId: string): Order | undefined {
    return this.parts.orders.get(orderId);
  }

  /** The statuses an order went through, e.g. pending, inProgress, complete. */
  orderHistory(orderId: string): readonly OrderStatus[] | undefined {
    return this.parts.orders.history(orderId);
  }

  whenOrderSettled(orderId: string): Promise<Order> {
    return this.parts.orders.whenSettled(orderId);
  }

  /** Settles every open order now (manual order processing). */
  processOrders(): readonly Order[] {
    return this.parts.orders.processOpenOrders();
  }

  /**
   * An access token minted in-process, for tests that do not exercise the
   * token endpoint; `overrides` shape it (roles, audience, issuer, lifetime,
   * issue time), e.g. to test another API's token validation.
   */
  issueToken(clientId: string = this.parts.options.clients[0]?.clientId ?? '', overrides: TokenOverrides = {}): string {
    const problems = check(tokenOverridesSchema, overrides);
    if (problems.length > 0) throw invalid('invalid token overrides', problems);
    const client = this.parts.authority.client(clientId);
    if (!client) throw new PermanentError('simulator_unknown_client', `no client ${clientId}`);
    return this.parts.authority.issue(client, overrides).accessToken;
  }

  /** Key rotation: a second key joins the JWKS and signs the next tokens; returns its kid. */
  rotateSigningKey(): string {
    return this.parts.authority.rotateKey().kid;
  }

  /** Back to the seeded state: consents, numbers, orders, ledger, counters, Repeatability memory, faults, rate bucket. */
  reset(): void {
    const { state, ledger, counters, orders, faults, bucket, repeatability, options } = this.parts;
    orders.clear();
    state.clear();
    state.load(this.seeds);
    ledger.clear();
    counters.reset();
    repeatability.clear();
    faults.clear();
    faults.add(options.faults);
    bucket.reset();
  }
}
