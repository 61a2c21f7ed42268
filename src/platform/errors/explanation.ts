/**
 * A failure told in one line that names the setting to fix and its value
 * (secrets hidden), with a stable code for scripts, logs and readiness.
 */
export interface Explanation {
  /** Stable: database_unreachable, database_missing, kafka_unreachable, http_port_in_use, backend_token_failed… */
  readonly code: string;
  /** One line, no stack: what failed, the setting and its value, what to do. */
  readonly line: string;
  /** Whether waiting can fix it (a dependency not up yet) rather than a change of set-up. */
  readonly retryable: boolean;
}
