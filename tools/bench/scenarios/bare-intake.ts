import { bareIntakeUnderTest } from '../lib/bare-intake.js';
import { runIntakeComparison } from '../lib/intake-comparison.js';
import type { Scenario } from '../lib/scenario.js';
import { readWorkloadSettings, WORKLOAD_OPTIONS } from '../lib/workload-options.js';

/**
 * The intake benchmark's machinery on a reference intake (consume → upsert
 * numbers → commit, no validation): the composed ceiling, and the template
 * the real intake scenario follows with its own IntakeUnderTest.
 */
export const bareIntake: Scenario = {
  name: 'bare-intake',
  description:
    'the intake comparison run on a bare reference intake (kafkajs eachBatch → unnest upsert of numbers → commit; no validation)',
  options: WORKLOAD_OPTIONS,
  run: (context, options) => runIntakeComparison(context, readWorkloadSettings(options), bareIntakeUnderTest),
};
