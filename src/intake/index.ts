/** The order intake: validates BSS order records from Kafka and persists them in PostgreSQL (src/intake). */
export { createIntake, type IntakeConfig, type IntakeDeps, type IntakeHooks, type IntakeTuning } from './create-intake.js';
export type { IntakeService } from './intake-service.js';
export type { InternalErrorStage } from './intake-processor.js';
export type { IntakeCounts } from './write-intake.js';
export { DLT_HEADERS } from './dead-letter-headers.js';
