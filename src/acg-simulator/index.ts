/** The Azure Communications Gateway Provisioning API simulator: Microsoft's swagger (simulator/acg/) over real HTTP. */
export { createAcgSimulator, type AcgSimulator, type AcgSimulatorEndpoints } from './acg-simulator.js';
export {
  resolveAcgOptions,
  ACG_SIMULATOR_DEFAULTS,
  type AcgSimulatorOptions,
  type AcgClientApp,
  type RequestForInformationSeed,
  type CivicAddressSeed,
  type NumberErrorSeed,
} from './options.js';
export type { AcgSimulatorAdmin } from './acg-admin.js';
export type { AcgCounterSnapshot } from './acg-counters.js';
export { ACG_ROLES, type AcgRole } from './roles.js';
export { ACG_API_VERSION, loadAcgSpec, specDirectory, type AcgSpec, type SpecOperation } from './spec.js';
export { SchemaValidator, type Violation } from './schema-validator.js';
export { acgClientEnvironment } from './client-environment.js';
export { responseViolations } from './response-validation.js';
