import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logging/logger.js';
import { HEADERS } from './api-contract.js';
import type { Counters } from './counters.js';
import type { FaultPlan, ResolvedFault } from './faults.js';
import { sendReply, tracingHeaders } from './http-kit.js';
import type { Operation } from './operations.js';
import { ApiError, type Reply } from './reply.js';
import type { SeededRandom } from './rng.js';

export interface PipelineDeps {
  readonly counters: Counters;
  readonly faults: FaultPlan;
  readonly random: SeededRandom;
  readonly logger: Logger;
  readonly latencyMs: number;
  readonly latencyJitterMs: number;
}

/** Retry-After in whole seconds (the header's only form) plus the finer `retry-after-ms` Azure also sends. */
export function retryAfterHeaders(ms: number): Record<string, string> {
  return { [HEADERS.retryAfter]: String(Math.max(1, Math.ceil(ms / 1000))), [HEADERS.retryAfterMs]: String(Math.max(1, Math.round(ms))) };
}

/**
 * What happens to every API and token call around its handler: the network
 * latency, an injected fault before or after the work, a slow answer, the
 * common headers and the counters. Timers are tracked so stop() ends them.
 */
export class CallPipeline {
  private readonly waits = new Set<{ timer: NodeJS.Timeout; done: () => void }>();
  private stopped = false;

  constructor(private readonly deps: PipelineDeps) {}

  async run(request: IncomingMessage, response: ServerResponse, operation: Operation, handle: () => Promise<Reply>): Promise<void> {
    const { counters, faults, random } = this.deps;
    const jitter = this.deps.latencyJitterMs > 0 ? Math.floor(random.next() * (this.deps.latencyJitterMs + 1)) : 0;
    await this.wait(this.deps.latencyMs + jitter);
    // A call still waiting when the simulator stopped must not act on a stopped simulator.
    if (this.stopped) return void request.socket.destroy();
    const fault = operation === 'unknown' ? undefined : faults.next(operation);
    if (fault) counters.faultInjected(fault.kind);
    const headers = tracingHeaders(request, randomUUID());

    if (fault && isBefore(fault)) return this.playFault(request, response, operation, fault, headers);

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

    if (fault && fault.kind !== 'slow' && fault.kind !== 'throttle') return this.playFault(request, response, operation, fault, headers);
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

  private playFault(request: IncomingMessage, response: ServerResponse, operation: Operation, fault: ResolvedFault, headers: Record<string, string>): void {
    this.deps.logger.debug({ operation, fault }, 'injecting fault');
    switch (fault.kind) {
      case 'reset':
        this.deps.counters.answered(operation, 'reset');
        // Drop the connection without an answer, as a load balancer or a crashed node would.
        request.socket.destroy();
        return;
      case 'throttle':
        this.send(response, operation, headers, 429, 'TooManyRequests', 'Too many requests; retry after the given delay.', retryAfterHeaders((fault.retryAfterSeconds ?? 1) * 1000));
        return;
      case 'serviceUnavailable':
        this.send(response, operation, headers, 503, 'ServiceUnavailable', 'The service is temporarily unavailable.', retryAfterHeaders((fault.retryAfterSeconds ?? 1) * 1000));
        return;
      case 'serverError':
        this.send(response, operation, headers, 500, 'InternalServerError', 'The service failed to process the request.', {});
        return;
      case 'slow':
        return;
    }
  }

  private send(
    response: ServerResponse,
    operation: Operation,
    headers: Record<string, string>,
    status: number,
    code: 'TooManyRequests' | 'ServiceUnavailable' | 'InternalServerError',
    message: string,
    extra: Record<string, string>,
  ): void {
    this.deps.counters.answered(operation, status);
    sendReply(response, new ApiError(status, code, message, [], extra).toReply(), headers);
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
