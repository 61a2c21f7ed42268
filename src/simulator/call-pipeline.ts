import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../platform/logging/logger.js';
import { HEADERS } from '../contracts/operator-connect-api.js';
import { systemClock, type Clock } from './clock.js';
import type { Counters } from './counters.js';
import { entraFaultBody } from './fake-entra.js';
import type { FaultPlan, ResolvedFault } from './faults.js';
import { sendReply, tracingHeaders } from './http-kit.js';
import { ENTRA_OPERATIONS, type Operation } from './operations.js';
import { ApiError, type Reply } from './reply.js';
import type { SeededRandom } from './rng.js';

/** What the pipeline counts: the Operator Connect simulator's Counters, or another simulator's. */
export type PipelineCounters<Op extends string> = Pick<Counters, 'faultInjected'> & {
  answered(operation: Op | 'unknown', status: number | 'reset'): void;
};

/** Operation names are the simulator's own: the Operator Connect simulator's Operation by default. */
export interface PipelineDeps<Op extends string = Operation> {
  readonly counters: PipelineCounters<Op>;
  readonly faults: Pick<FaultPlan<Op>, 'next'>;
  readonly random: SeededRandom;
  readonly logger: Logger;
  readonly latencyMs: number;
  readonly latencyJitterMs: number;
  /** Timestamps of the fake Entra ID's fault answers; the system clock when absent. */
  readonly clock?: Clock;
}

const ENTRA: ReadonlySet<string> = new Set(ENTRA_OPERATIONS);

/** Retry-After in whole seconds (the header's only form) plus the finer `retry-after-ms` Azure also sends. */
export function retryAfterHeaders(ms: number): Record<string, string> {
  return { [HEADERS.retryAfter]: String(Math.max(1, Math.ceil(ms / 1000))), [HEADERS.retryAfterMs]: String(Math.max(1, Math.round(ms))) };
}

/**
 * What happens to every API and token call around its handler: the network
 * latency, an injected fault before or after the work, a slow answer, a call
 * left hanging, the common headers and the counters. Waits are tracked so
 * stop() ends them.
 */
export class CallPipeline<Op extends string = Operation> {
  private readonly waits = new Set<{ timer: NodeJS.Timeout | undefined; done: () => void }>();
  private stopped = false;

  constructor(private readonly deps: PipelineDeps<Op>) {}

  async run(request: IncomingMessage, response: ServerResponse, operation: Op | 'unknown', handle: () => Promise<Reply>): Promise<void> {
    const { counters, faults, random } = this.deps;
    const jitter = this.deps.latencyJitterMs > 0 ? Math.floor(random.next() * (this.deps.latencyJitterMs + 1)) : 0;
    await this.wait(this.deps.latencyMs + jitter);
    // A call still waiting when the simulator stopped must not act on a stopped simulator.
    if (this.stopped) return void request.socket.destroy();
    const fault = operation === 'unknown' ? undefined : faults.next(operation);
    if (fault) counters.faultInjected(fault.kind);
    const headers = tracingHeaders(request, randomUUID());

    if (fault && isBefore(fault)) return await this.playFault(request, response, operation, fault, headers);

    let reply: Reply;
    try {
      reply = await handle();
    } catch (error) {
      if (this.stopped) return void request.socket.destroy();
      if (error instanceof ApiError) reply = error.toReply();
      else {
        this.deps.logger.error({ err: error, operation }, 'simulator handler failed');
        reply = new ApiError(500, 'InternalServerError', 'The simulator failed to handle the request.').toReply();
      }
    }

    if (fault && fault.kind !== 'slow' && fault.kind !== 'throttle')
      return await this.playFault(request, response, operation, fault, headers);
    if (fault?.kind === 'slow') await this.wait(fault.delayMs);
    counters.answered(operation, reply.status);
    sendReply(response, reply, headers);
  }

  /** Ends pending waits (latency, slow answers) so no timer outlives the simulator. */
  stop(): void {
    this.stopped = true;
    for (const w of this.waits) {
      clearTimeout(w.timer);
      w.done();
    }
    this.waits.clear();
  }

  /** After a restart. */
  resume(): void {
    this.stopped = false;
  }

  private async playFault(
    request: IncomingMessage,
    response: ServerResponse,
    operation: Op | 'unknown',
    fault: ResolvedFault,
    headers: Record<string, string>,
  ): Promise<void> {
    this.deps.logger.debug({ operation, fault }, 'injecting fault');
    switch (fault.kind) {
      case 'reset':
        this.deps.counters.answered(operation, 'reset');
        // Drop the connection without an answer, as a load balancer or a crashed node would.
        request.socket.destroy();
        return;
      case 'hang': {
        // Nothing is sent: the client's own timeout is what ends the call.
        const givenUp = await this.hang(request, fault.hangMs ?? 0);
        // Dropped by us (hangMs passed, or the simulator stopped): as a reset, an answer that never came.
        if (!givenUp) this.deps.counters.answered(operation, 'reset');
        request.socket.destroy();
        return;
      }
      case 'throttle':
        // A 429 always says when to come back: at least 1 s.
        this.send(
          response,
          operation,
          headers,
          429,
          'TooManyRequests',
          'Too many requests; retry after the given delay.',
          retryAfterHeaders(Math.max(1, fault.retryAfterSeconds ?? 1) * 1000),
        );
        return;
      case 'serviceUnavailable': {
        const seconds = fault.retryAfterSeconds ?? 1;
        // A 503 only may carry Retry-After (RFC 9110 §10.2.3): 0 sends none.
        this.send(
          response,
          operation,
          headers,
          503,
          'ServiceUnavailable',
          'The service is temporarily unavailable.',
          seconds > 0 ? retryAfterHeaders(seconds * 1000) : {},
        );
        return;
      }
      case 'serverError':
        this.send(response, operation, headers, 500, 'InternalServerError', 'The service failed to process the request.', {});
        return;
      case 'slow':
        return;
    }
  }

  private send(
    response: ServerResponse,
    operation: Op | 'unknown',
    headers: Record<string, string>,
    status: 429 | 500 | 503,
    code: 'TooManyRequests' | 'ServiceUnavailable' | 'InternalServerError',
    message: string,
    extra: Record<string, string>,
  ): void {
    this.deps.counters.answered(operation, status);
    if (ENTRA.has(operation)) {
      // The fake Entra ID fails in Entra ID's form (an OAuth error with AADSTS codes), not the API's.
      const now = (this.deps.clock ?? systemClock).now();
      sendReply(
        response,
        { status, body: entraFaultBody(status, now), headers: { 'cache-control': 'no-store, no-cache', ...extra } },
        headers,
      );
      return;
    }
    sendReply(response, new ApiError(status, code, message, [], extra).toReply(), headers);
  }

  /**
   * Keeps a call open without an answer until the client closes its
   * connection (true), or `ms` passes or the simulator stops (false).
   */
  private hang(request: IncomingMessage, ms: number): Promise<boolean> {
    const socket = request.socket;
    if (socket.destroyed || this.stopped) return Promise.resolve(socket.destroyed);
    return new Promise((resolve) => {
      const finish = (givenUp: boolean): void => {
        clearTimeout(entry.timer);
        socket.off('close', onClose);
        this.waits.delete(entry);
        resolve(givenUp);
      };
      const onClose = (): void => finish(true);
      const entry = { timer: ms > 0 ? setTimeout(() => finish(false), ms) : undefined, done: () => finish(false) };
      socket.once('close', onClose);
      this.waits.add(entry);
    });
  }

  private wait(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.waits.delete(entry);
          resolve();
        }, ms),
        done: resolve,
      };
      this.waits.add(entry);
    });
  }
}

function isBefore(fault: ResolvedFault): boolean {
  if (fault.kind === 'throttle') return true;
  if (fault.kind === 'slow') return false;
  return (fault.phase ?? 'beforeHandling') === 'beforeHandling';
}
