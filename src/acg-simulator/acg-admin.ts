import { PermanentError } from '../core/errors.js';
import type { FaultOptions, FaultPlan } from '../simulator/faults.js';
import type { RepeatabilityStore } from '../simulator/repeatability.js';
import type { TokenAuthority, TokenOverrides } from '../simulator/token-authority.js';
import type { AcgCounters } from './acg-counters.js';
import type { CivicAddressSeed, NumberErrorSeed, RequestForInformationSeed, ResolvedAcgOptions } from './options.js';
import type { ProvisioningQueue } from './provisioning.js';
import type { AcgState } from './state.js';

export interface AcgAdminParts {
  readonly options: ResolvedAcgOptions;
  readonly state: AcgState;
  readonly queue: ProvisioningQueue;
  readonly counters: AcgCounters;
  readonly faults: FaultPlan<string>;
  readonly repeatability: RepeatabilityStore;
  readonly authority: TokenAuthority;
}

/** What in real life Microsoft, Teams or a customer would do, for tests and the /admin endpoints. */
export class AcgSimulatorAdmin {
  constructor(private readonly parts: AcgAdminParts) {}

  /** A token for a client (the first by default), as the fake Entra ID would issue it; overrides make bad ones. */
  issueToken(clientId: string = this.parts.options.clients[0]?.clientId ?? '', overrides: TokenOverrides = {}): string {
    const client = this.parts.authority.client(clientId);
    if (!client) throw new PermanentError('simulator_unknown_client', `no client ${clientId}`);
    return this.parts.authority.issue(client, overrides).accessToken;
  }

  rotateSigningKey(): string {
    return this.parts.authority.rotateKey().kid;
  }

  /** Ends every pending provisioning step now (pending → synced/failed, subdomain → provisioned); returns how many. */
  settleProvisioning(): number {
    return this.parts.queue.settle();
  }

  get pendingProvisioning(): number {
    return this.parts.queue.pending;
  }

  /** The next sync of this number fails with this error in serviceProvisioningErrors. */
  scriptNumberError(error: NumberErrorSeed): void {
    this.parts.state.scriptNumberError(error);
  }

  /** A customer consented (or changed its consent) in Teams. */
  putRequestForInformation(seed: RequestForInformationSeed): void {
    this.parts.state.seedRequestForInformation(seed);
  }

  addCivicAddress(seed: CivicAddressSeed): void {
    this.parts.state.seedCivicAddress(seed);
  }

  /** Appends a fault script (operations are operationIds, e.g. Accounts_CreateOrUpdateNumbers) or replaces probabilities. */
  injectFaults(options: FaultOptions<string>): number {
    this.parts.faults.add(options);
    return this.parts.faults.pendingScript().length;
  }

  clearFaults(): void {
    this.parts.faults.clear();
  }

  /** Back to the seeded state: data, pending steps, counters, Repeatability memory and faults. */
  reset(): void {
    const { state, queue, counters, faults, repeatability, options } = this.parts;
    queue.stop();
    state.clear();
    counters.reset();
    repeatability.clear();
    faults.clear();
    faults.add(options.faults);
    this.loadSeeds();
  }

  loadSeeds(): void {
    const { state, options } = this.parts;
    for (const rfi of options.requestsForInformation) state.seedRequestForInformation(rfi);
    for (const address of options.civicAddresses) state.seedCivicAddress(address);
    for (const error of options.numberErrors) state.scriptNumberError(error);
  }
}
