import type { AccountServiceDetailsSpec, NumberServiceDetailsSpec } from '../../core/order/order.js';
import type { BackendKind, WorkService } from '../../core/reconcile/backend-kind.js';
import type { HoldingModel } from '../../core/reconcile/holding-model.js';
import type { BackendOperationKind, PlannedBatch } from '../../core/reconcile/plan-work.js';
import type { StatusReason } from '../../core/status/status-data.js';
import type { TokenProblem } from '../../operator-connect/index.js';
import type { NumberOutcome } from '../apply-results.js';
import type { ConsentReader } from '../consent-cache.js';
import type { RelationshipWriter } from '../consent-sync.js';

/** A number and its account as the planner locked them: everything a backend derives its desired holding from. */
export interface NumberFacts {
  readonly telephoneNumber: string;
  readonly serviceDetails: NumberServiceDetailsSpec;
  readonly customSipHeader: string | null;
  readonly deleted: boolean;
  readonly account: {
    readonly name: string;
    readonly teamsTenantId: string | null;
    readonly serviceDetails: AccountServiceDetailsSpec;
    readonly deleted: boolean;
    /** The backend confirmed the account's latest settings (synced_order_id = last_order_id). */
    readonly written: boolean;
  } | null;
}

/** What a backend should hold for a number on a work service. */
export interface DesiredHolding<H> {
  /** false: not ours to change (operator-connect: the account does not sync the service). */
  readonly managed: boolean;
  readonly holding: H | null;
  /** Where a release goes when nothing is recorded as held. */
  readonly releaseScope: string | null;
  /** Set while the backend cannot take the change yet: the key waits. */
  readonly blocked: StatusReason | null;
}

/** The pure half of a backend: how the planner turns stored state into its operations. */
export interface BackendPlanning<H> {
  readonly holdings: HoldingModel<H>;
  desired(facts: NumberFacts, service: WorkService): DesiredHolding<H>;
  /** The request body of a batch, exactly as it will be sent on every attempt. */
  body(batch: PlannedBatch<H>): Record<string, unknown>;
}

/** A persisted operation, sent (again) under its Repeatability-Request-ID. */
export interface OperationToSend {
  readonly operation: BackendOperationKind;
  readonly scope: string;
  readonly service: WorkService;
  readonly body: Record<string, unknown>;
  readonly requestId: string;
  /** When it was first sent (a resend keeps it). */
  readonly firstSentAt?: number;
  readonly signal?: AbortSignal;
}

/** A sent operation whose per-number results are still to come. */
export interface OperationToRead {
  readonly operation: BackendOperationKind;
  /** Its Repeatability-Request-ID: the operation's identity across sends and reads. */
  readonly requestId: string;
  readonly scope: string;
  readonly remoteId: string | null;
  /** When its send was answered (ms): a read must start after it to see the operation's effect. */
  readonly submittedAtMs: number | null;
  /** The numbers it carries. */
  readonly numbers: () => Promise<readonly string[]>;
  readonly signal?: AbortSignal;
}

/** What the backend answered about an operation. */
export interface BackendAnswer {
  /** The backend's id of the operation (operator-connect's order id); null when it has none (acg). */
  readonly remoteId: string | null;
  readonly remoteStatus: string;
  /** Per-number results once the operation has ended; null: still running, read again later. */
  readonly results: readonly NumberOutcome[] | null;
}

/**
 * The port the reconciler drives: planning, persist-before-call, polling,
 * roll-up, held/released, the drift audit and the fleet budget are shared;
 * a backend says how many numbers an operation carries, its rate, which
 * services it provisions, how its operations are sent and read back, and
 * how completion is observed.
 */
export interface Backend<H = unknown> {
  readonly kind: BackendKind;
  /** Most numbers one operation carries. */
  readonly maxNumbersPerOperation: number;
  /** Requests per second its client paces at (the fleet's rate when the fleet budget shares it); 0: not paced. */
  readonly requestsPerSecond: number;
  /** The work services its operations provision (the work rows' service). */
  readonly services: readonly WorkService[];
  /** How completion is observed, in words (logs and docs). */
  readonly completion: string;
  readonly planning: BackendPlanning<H>;
  send(operation: OperationToSend): Promise<BackendAnswer>;
  read(operation: OperationToRead): Promise<BackendAnswer>;
  readonly consents: ConsentReader & RelationshipWriter;
  authenticate?(): Promise<void>;
  tokenProblem?(): TokenProblem | null;
}
