import { refusal } from './api-errors.js';
import type { OperationName } from './observability.js';
import { httpDate } from '../platform/time/clock.js';

/** Fills a path template's `{name}` placeholders, percent-encoded (`+` becomes %2B). */
export function fillPath(template: string, params: Readonly<Record<string, string>>): string {
  return template.replace(/\{([A-Za-z]+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new TypeError(`path template ${template} needs {${name}}`);
    return encodeURIComponent(value);
  });
}

/** 1–128 visible ASCII characters (contract §4.4); checked here so a bad id fails before any call. */
const REQUEST_ID = /^[\x21-\x7e]{1,128}$/;

export interface Repeatability {
  /** From the caller's persisted operation id, so a retry after a crash reuses it. */
  readonly requestId: string;
  /** When the change was first sent (ms); the first attempt of this call when absent. */
  readonly firstSentAt?: number | undefined;
}

export function checkRequestId(operation: OperationName, requestId: string): void {
  if (!REQUEST_ID.test(requestId)) {
    throw refusal(operation, 'InvalidRepeatabilityHeaders', 'the Repeatability-Request-ID must be 1–128 visible ASCII characters');
  }
}

export function repeatabilityHeaders(requestId: string, firstSentAt: number): Record<string, string> {
  return { 'Repeatability-Request-ID': requestId, 'Repeatability-First-Sent': httpDate(firstSentAt) };
}
