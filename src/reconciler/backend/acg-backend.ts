import type { AcgProvisioningClient, NumberResource, RequestForInformation } from '../../acg/index.js';
import { MAX_NUMBERS_PER_REQUEST, PUBLISHED_REQUESTS_PER_MINUTE } from '../../acg/index.js';
import { desiredAcgNumber, type AcgNumberHolding } from '../../core/acg/number-resource.js';
import { ACG_HOLDINGS } from '../../core/reconcile/acg-holdings.js';
import { ACG_NUMBER_SERVICE } from '../../core/reconcile/backend-kind.js';
import { BackendPermanentError } from '../../operator-connect/index.js';
import type { NumberOutcome } from '../apply-results.js';
import type { ConsentView } from '../consent-cache.js';
import { AccountListings } from './account-listings.js';
import type { Backend, BackendAnswer, BackendPlanning } from './backend.js';
import { consentViewOf } from './consent-view-of.js';

/** The part of AcgProvisioningClient the number operations and consents use. */
export type AcgNumberClient = Pick<
  AcgProvisioningClient,
  'createOrUpdateNumbers' | 'deleteNumbers' | 'listAccountNumbers' | 'listRequestsForInformation' | 'updateCustomerRelationship'
> &
  Partial<Pick<AcgProvisioningClient, 'tokenProblem'>>;

export const ACG_PLANNING: BackendPlanning<AcgNumberHolding> = {
  holdings: ACG_HOLDINGS,
  desired(facts) {
    const { account } = facts;
    const holding = desiredAcgNumber({
      number: {
        telephoneNumber: facts.telephoneNumber,
        serviceDetails: facts.serviceDetails,
        customSipHeader: facts.customSipHeader,
        deleted: facts.deleted,
      },
      account: account
        ? { name: account.name, teamsTenantId: account.teamsTenantId, serviceDetails: account.serviceDetails, deleted: account.deleted }
        : null,
    });
    // ACG refuses a number of an account it does not hold (or holds with other services): the account's write goes first.
    const blocked =
      holding !== null && account !== null && !account.written
        ? {
            code: 'AccountNotWritten',
            message: `waiting for account ${account.name} to be written to Azure Communications Gateway before its numbers`,
          }
        : null;
    return { managed: true, holding, releaseScope: account?.name ?? null, blocked };
  },
  body(batch) {
    if (batch.operation === 'release') return { numbers: batch.entries.map((e) => ({ telephoneNumber: e.key.telephoneNumber })) };
    return { numbers: batch.entries.map((e) => (e.target as AcgNumberHolding).resource) };
  },
};

/** A number's serviceProvisioningStatus as a per-number result; null while pending. */
function resultOf(resource: NumberResource): NumberOutcome | null {
  const status = resource.serviceProvisioningStatus;
  if (status === 'synced' || status === undefined) return { telephoneNumber: resource.telephoneNumber, succeeded: true };
  if (status === 'failed') {
    const first = resource.serviceProvisioningErrors?.[0];
    return {
      telephoneNumber: resource.telephoneNumber,
      succeeded: false,
      errorCode: first?.code ?? 'ServiceProvisioningFailed',
      message: first?.message ?? 'Azure Communications Gateway reports serviceProvisioningStatus failed without an error',
    };
  }
  return null;
}

/** Results for `numbers` from what ACG lists; null while any is still pending. */
function resultsFrom(numbers: readonly string[], listed: ReadonlyMap<string, NumberResource>): NumberOutcome[] | null {
  const results: NumberOutcome[] = [];
  for (const telephoneNumber of numbers) {
    const resource = listed.get(telephoneNumber);
    if (!resource) {
      results.push({
        telephoneNumber,
        succeeded: false,
        errorCode: 'NumberNotInBackend',
        message: 'Azure Communications Gateway no longer lists the number it accepted (deleted out of band?)',
      });
      continue;
    }
    const result = resultOf(resource);
    if (result === null) return null;
    results.push(result);
  }
  return results;
}

/** A request for information as a ConsentView: status and countries for planning, the rest for backend_consents. */
function consentOf(rfi: RequestForInformation): ConsentView {
  return consentViewOf(rfi);
}

/**
 * Azure Communications Gateway's Provisioning API: each number is one
 * resource of its account carrying every service and the custom SIP header,
 * written in batches of at most 100 (:createOrUpdateNumbers) and deleted the
 * same way (:deleteNumbers). Completion is the per-number
 * serviceProvisioningStatus: in the write's answer, else read by listing the
 * account's numbers until none of the operation's is pending.
 */
export function acgBackend(client: AcgNumberClient, requestsPerMinute: number = PUBLISHED_REQUESTS_PER_MINUTE): Backend<AcgNumberHolding> {
  const listings = new AccountListings(client);
  return {
    kind: 'acg',
    maxNumbersPerOperation: MAX_NUMBERS_PER_REQUEST,
    requestsPerSecond: requestsPerMinute / 60,
    services: [ACG_NUMBER_SERVICE],
    completion:
      "each number's serviceProvisioningStatus (pending → synced | failed), in the write's answer or by listing the account's numbers",
    planning: ACG_PLANNING,
    async send(op): Promise<BackendAnswer> {
      const mutation = {
        requestId: op.requestId,
        ...(op.firstSentAt !== undefined ? { firstSentAt: op.firstSentAt } : {}),
        ...(op.signal ? { signal: op.signal } : {}),
      };
      const numbers = (op.body.numbers ?? []) as NumberResource[];
      if (op.operation === 'release') {
        const telephoneNumbers = numbers.map((n) => n.telephoneNumber);
        try {
          await client.deleteNumbers(op.scope, telephoneNumbers, mutation);
        } catch (error) {
          // An account ACG does not hold holds none of these numbers: released is what we wanted.
          if (!(error instanceof BackendPermanentError && error.status === 404)) throw error;
        }
        return {
          remoteId: null,
          remoteStatus: 'deleted',
          results: telephoneNumbers.map((telephoneNumber) => ({ telephoneNumber, succeeded: true })),
        };
      }
      const echo = await client.createOrUpdateNumbers(op.scope, numbers, mutation);
      const results = resultsFrom(
        numbers.map((n) => n.telephoneNumber),
        new Map(echo.map((n) => [n.telephoneNumber, n])),
      );
      if (results !== null) return { remoteId: null, remoteStatus: 'synced', results };
      listings.answered(op.requestId);
      return { remoteId: null, remoteStatus: 'pending', results: null };
    },
    async read(op): Promise<BackendAnswer> {
      const listed = await listings.list(op.scope, op.requestId, op.signal);
      const results = resultsFrom(await op.numbers(), listed);
      if (results === null) return { remoteId: null, remoteStatus: 'pending', results: null };
      listings.forget(op.requestId);
      return { remoteId: null, remoteStatus: 'settled', results };
    },
    consents: {
      async listConsents(options) {
        return (await client.listRequestsForInformation(options?.signal)).map(consentOf);
      },
      async getConsent(tenantId, options) {
        const found = (await client.listRequestsForInformation(options?.signal)).map(consentOf).find((c) => c.tenantId === tenantId);
        if (found) return found;
        throw new BackendPermanentError('ConsentNotFound', `tenant ${tenantId} has given no request for information`, {
          operation: 'listRequestsForInformation',
          status: 404,
        });
      },
      async updateCustomerRelationship(tenantId, change, requestId, options) {
        const body = { status: change.status, ...(change.comment ? { comment: change.comment } : {}) };
        return client.updateCustomerRelationship(tenantId, body, {
          requestId,
          ...(options?.firstSentAt !== undefined ? { firstSentAt: options.firstSentAt } : {}),
          ...(options?.signal ? { signal: options.signal } : {}),
        });
      },
    },
    ...(client.tokenProblem ? { tokenProblem: () => (client.tokenProblem as AcgProvisioningClient['tokenProblem']).call(client) } : {}),
  };
}
