import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from '../platform/logging/logger.js';
import * as sql from './fleet-budget-sql.js';
import { componentLogger } from '../platform/logging/component-logger.js';

/** What the budget needs of PostgreSQL (a pg Pool). */
export interface BudgetQueryable {
  query<R extends Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
}

export interface FleetBudgetOptions {
  readonly pool: BudgetQueryable;
  readonly logger: Logger;
  /** OPERATOR_CONNECT_RATE_LIMIT_PER_SECOND: what the whole fleet may send (> 0). */
  readonly ratePerSecond: number;
  /** Applies this worker's share to its client (OperatorConnectClient.setRateLimit). */
  readonly apply: (perSecond: number) => void;
  /** This worker's row; host:pid:random by default. */
  readonly memberId?: string;
  /** How often a member heartbeats (1000 ms). */
  readonly heartbeatMs?: number;
  /** A member silent for longer is dead (3 heartbeats + half of one). */
  readonly deadAfterMs?: number;
  /** Rows silent for longer are deleted (60 s). */
  readonly pruneAfterMs?: number;
}

/** This worker's share of a fleet-wide rate: rate / live members (itself included, so at least 1). */
export function fleetShare(ratePerSecond: number, liveMembers: number): number {
  return ratePerSecond / Math.max(1, Math.floor(liveMembers));
}

/**
 * OPERATOR_CONNECT_RATE_LIMIT_PER_SECOND for the whole fleet (OPERATOR_CONNECT_RATE_LIMIT_SCOPE=fleet).
 *
 * Design: each worker heartbeats a row of api_budget_members every second and paces its own
 * client at rate / live members (rows heartbeated within deadAfterMs), re-read at each heartbeat.
 * Chosen over one shared GCRA row updated per call: that would be exact but costs a database
 * round trip (and a hot row lock) per API call, and stops every call when PostgreSQL does. The
 * share costs one statement per second per worker and needs no coordination on the hot path;
 * its price is that the split is even (an idle worker's share is not lent to a busy one) and a
 * change of membership takes up to a heartbeat (a join) or deadAfterMs (a death) to be seen.
 *
 * It errs on the safe side:
 * - a joining worker registers, then waits one heartbeat (the others see it and lower their
 *   shares) before its own first share applies and its reconciler starts calling;
 * - a clean stop deletes the row (the others take the share at their next heartbeat);
 *   a killed worker's row ages out after deadAfterMs;
 * - while PostgreSQL cannot be reached the last share stays (never more than rate / the
 *   last known members); before any heartbeat worked, the client keeps its configured rate
 *   (its reconciler cannot claim work without the database either).
 * The limiter changes rate without a burst (RateLimiter.setRate).
 */
export class FleetBudget {
  readonly memberId: string;
  private readonly heartbeatMs: number;
  private readonly deadAfterMs: number;
  private readonly pruneAfterMs: number;
  private readonly log: Logger;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private beating: Promise<void> | undefined;
  private failing = false;
  private members = 0;
  private currentShare: number;

  constructor(private readonly options: FleetBudgetOptions) {
    if (!(options.ratePerSecond > 0)) throw new RangeError(`ratePerSecond must be > 0, not ${options.ratePerSecond}`);
    this.memberId = options.memberId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.heartbeatMs = options.heartbeatMs ?? 1000;
    this.deadAfterMs = options.deadAfterMs ?? Math.round(this.heartbeatMs * 3.5);
    this.pruneAfterMs = Math.max(options.pruneAfterMs ?? 60_000, this.deadAfterMs);
    this.log = componentLogger(options.logger, 'fleet-budget', { member: this.memberId });
    this.currentShare = options.ratePerSecond;
  }

  /** Calls per second this worker may send now. */
  get share(): number {
    return this.currentShare;
  }

  /** Live members at the last heartbeat that worked (0 before the first). */
  get liveMembers(): number {
    return this.members;
  }

  /** Joins: registers, waits a heartbeat when others are live (so they make room first), then applies its share. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const others = await this.beat(false);
    if (others !== undefined && others > 0) {
      await new Promise((resolve) => setTimeout(resolve, this.heartbeatMs + 100));
      if (!this.running) return;
    }
    await this.beat(true);
    this.schedule();
  }

  /** Leaves: stops heartbeating and deletes its row. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    clearTimeout(this.timer);
    await this.beating;
    try {
      await this.options.pool.query(sql.LEAVE, [this.memberId]);
    } catch (error) {
      this.log.warn({ err: error }, 'cannot leave the fleet rate budget; the row ages out');
    }
  }

  private schedule(): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.beating = this.beat(true).then(() => this.schedule());
    }, this.heartbeatMs);
    this.timer.unref();
  }

  /** One heartbeat; returns the other live members, or undefined when PostgreSQL did not answer (the share stays). */
  private async beat(apply: boolean): Promise<number | undefined> {
    let others: number;
    try {
      const { rows } = await this.options.pool.query<{ others: number }>(sql.HEARTBEAT, [
        this.memberId,
        this.deadAfterMs,
        this.pruneAfterMs,
      ]);
      others = rows[0]?.others ?? 0;
    } catch (error) {
      if (!this.failing)
        this.log.warn({ err: error, share: this.currentShare }, 'fleet rate budget heartbeat failed; keeping the last share');
      this.failing = true;
      return undefined;
    }
    if (this.failing) this.log.info('fleet rate budget heartbeat works again');
    this.failing = false;
    if (!apply) return others;
    const members = others + 1;
    const share = fleetShare(this.options.ratePerSecond, members);
    if (members !== this.members) this.log.info({ members, share }, 'fleet rate budget: live workers changed');
    this.members = members;
    if (share !== this.currentShare) {
      this.currentShare = share;
      try {
        this.options.apply(share);
      } catch (error) {
        this.log.warn({ err: error }, 'cannot apply the fleet rate share');
      }
    }
    return others;
  }
}
