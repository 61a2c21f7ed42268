import { createOrderValidator } from '../../../src/contracts/order-validator.js';
import { DEFAULT_PARSE_LIMITS, parseOrderRecord } from '../../../src/core/order/index.js';
import { phaseRecords, WORKLOAD_PHASES, type WorkloadSpec } from './order-generator.js';

/**
 * Parses the first records of every phase with the intake's own parser
 * (envelope, schema, business rules): a workload the intake would refuse
 * would measure the dead-letter path, not the intake. Throws with the reasons.
 */
export function assertWorkloadAccepted(spec: WorkloadSpec, perPhase = 3): void {
  const validate = createOrderValidator();
  const problems: string[] = [];
  for (const phase of WORKLOAD_PHASES) {
    let checked = 0;
    for (const record of phaseRecords(spec, phase)) {
      const result = parseOrderRecord({ headers: new Map(Object.entries(record.headers)), value: record.value }, validate, {
        ...DEFAULT_PARSE_LIMITS,
        now: Date.now(),
      });
      if (!result.ok)
        problems.push(`${phase} order ${result.orderId ?? '?'}: ${result.violations.map((v) => `${v.path} ${v.message}`).join('; ')}`);
      else if (result.warnings.length > 0)
        problems.push(`${phase} order ${result.order.orderId}: warnings ${result.warnings.map((w) => w.message).join('; ')}`);
      checked += 1;
      if (checked >= perPhase) break;
    }
  }
  if (problems.length > 0) throw new Error(`the generated workload does not pass the intake's parser:\n  ${problems.join('\n  ')}`);
}
