import { explainTokenError, type Explanation, type TokenSettings } from '../platform/errors/explain.js';
import type { TokenSettingNames } from '../platform/errors/explain-token.js';
import type { Logger } from '../platform/logging/logger.js';
import type { Clock } from '../platform/time/clock.js';

/** What readiness reports while tokens cannot be had. */
export interface TokenProblem {
  /** backend_token_failed. */
  readonly code: string;
  /** The explanation: which OPERATOR_CONNECT_* setting, its value, what to do. */
  readonly line: string;
  /** The first failure of the streak. */
  readonly since: Date;
  /** Failed attempts in the streak. */
  readonly failures: number;
}

export interface TokenHealthOptions {
  readonly settings: TokenSettings;
  /** Whose settings they are (absent: OPERATOR_CONNECT_*). */
  readonly names?: TokenSettingNames;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Least time between two reminders of a streak that goes on with the same cause. */
  readonly reminderMs?: number;
}

export const TOKEN_FAILURE_REMINDER_MS = 60_000;

interface Streak {
  readonly since: number;
  explanation: Explanation;
  failures: number;
  lastLoggedAt: number;
  /** A failure left a call without a token (not only a refresh ahead of expiry that the current token covered). */
  blocking: boolean;
}

/**
 * Failures to get an Entra ID token, told once per streak: the first failure
 * (or a new cause) at error level with the one-line explanation, then a
 * reminder at most every minute while it lasts, and a line when a token comes
 * again. Every failure in between goes to debug, so a credential that fails
 * every few seconds does not flood the log.
 */
export class TokenHealth {
  private streak: Streak | undefined;
  private readonly reminderMs: number;

  constructor(private readonly options: TokenHealthOptions) {
    this.reminderMs = options.reminderMs ?? TOKEN_FAILURE_REMINDER_MS;
  }

  explain(error: unknown): Explanation {
    return explainTokenError(error, this.options.settings, this.options.names);
  }

  /** Records a failed token request; `covered`: a still-valid token serves meanwhile (a refresh ahead of expiry). */
  failed(error: unknown, covered = false): Explanation {
    const { clock, logger } = this.options;
    const now = clock.now();
    const explanation = this.explain(error);
    const streak = this.streak;
    if (streak === undefined || streak.explanation.line !== explanation.line) {
      const failures = (streak?.failures ?? 0) + 1;
      this.streak = {
        since: streak?.since ?? now,
        explanation,
        failures,
        lastLoggedAt: now,
        blocking: (streak?.blocking ?? false) || !covered,
      };
      const fields = { code: explanation.code, failures, ...(covered ? { servingCurrentToken: true } : {}) };
      if (covered) logger.warn(fields, `${explanation.line} (the current token serves until it expires)`);
      else logger.error(fields, explanation.line);
      return explanation;
    }
    streak.failures += 1;
    streak.blocking ||= !covered;
    if (now - streak.lastLoggedAt >= this.reminderMs) {
      streak.lastLoggedAt = now;
      logger.warn(
        { code: explanation.code, failures: streak.failures, since: new Date(streak.since).toISOString() },
        `still failing since ${new Date(streak.since).toISOString()} (${streak.failures} attempts): ${explanation.line}`,
      );
    } else {
      logger.debug({ code: explanation.code, failures: streak.failures }, explanation.line);
    }
    return explanation;
  }

  succeeded(): void {
    const streak = this.streak;
    if (streak === undefined) return;
    this.streak = undefined;
    this.options.logger.info(
      { failures: streak.failures, since: new Date(streak.since).toISOString() },
      `Operator Connect access token obtained again after ${streak.failures} failed attempt(s)`,
    );
  }

  /** The streak going on, once a call went without a token; null while tokens come. */
  get problem(): TokenProblem | null {
    const streak = this.streak;
    if (streak === undefined || !streak.blocking) return null;
    return { code: streak.explanation.code, line: streak.explanation.line, since: new Date(streak.since), failures: streak.failures };
  }
}
