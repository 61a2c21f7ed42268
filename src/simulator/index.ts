/** The Operator Connect simulator: the modelled contract (docs/operator-connect-api.md) over real HTTP. */
export { createSimulator, type Simulator, type SimulatorEndpoints } from './simulator.js';
export { resolveOptions, DEFAULT_ROLES, SIMULATOR_DEFAULTS, type SimulatorOptions, type ClientApp } from './options.js';
export type { SimulatorAdmin } from './simulator-admin.js';
export type { FaultOptions, FaultSpec, ScriptedFault, FaultPhase, FaultKind } from './faults.js';
export type { Ledger, LedgerEntry, LedgerFilter } from './ledger.js';
export type { CounterSnapshot } from './counters.js';
export type { ConsentSeed, NumberSeed, CivicAddressSeed, SeedFile } from './seeds.js';
export { loadSeedFile } from './seeds.js';
export { ManualClock, systemClock, type Clock } from './clock.js';
export { API_OPERATIONS, type ApiOperation, type Operation } from './operations.js';
export * from '../contracts/operator-connect-api.js';
