import { AcgError } from './acg-error.js';
import { checkConditions } from './etag.js';
import { conditions, withEtag, type AcgHandler } from './handler-context.js';
import { page, type PageSizes } from './paging.js';
import type { SchemaValidator } from './schema-validator.js';
import type { AcgState } from './state.js';

const NUMBER = { $ref: '#/definitions/NumberResource' };

/** Numbers of an account, one by one or in batches of up to 100 (the swagger's maxItems), and all numbers. */
export function numberHandlers(state: AcgState, validator: SchemaValidator, sizes: PageSizes): Record<string, AcgHandler> {
  return {
    ListNumbers: (call) => page(state.listNumbers(), call.request, call.url, sizes),

    Accounts_ListNumbers: (call) => page(state.listNumbers(call.request.path.accountName ?? ''), call.request, call.url, sizes),

    Accounts_GetNumber: (call) => {
      const { accountName = '', telephoneNumber = '' } = call.request.path;
      checkConditions(conditions(call), state.numberEtag(accountName, telephoneNumber), false);
      const { body, etag } = state.number(accountName, telephoneNumber);
      return withEtag(200, body, etag);
    },

    Accounts_CreateOrReplaceNumber: (call) => {
      const { accountName = '', telephoneNumber = '' } = call.request.path;
      checkConditions(conditions(call), state.numberEtag(accountName, telephoneNumber), true);
      const resource = validator.writable(NUMBER, call.request.body) as Record<string, unknown>;
      if (resource.telephoneNumber !== telephoneNumber) {
        throw new AcgError(
          400,
          'InvalidRequest',
          `telephoneNumber ${String(resource.telephoneNumber)} must be the path's ${telephoneNumber}.`,
        );
      }
      const [created] = state.putNumbers(accountName, [resource]);
      const { body, etag } = state.number(accountName, telephoneNumber);
      return withEtag(created ? 201 : 200, body, etag);
    },

    Accounts_DeleteNumber: (call) => {
      const { accountName = '', telephoneNumber = '' } = call.request.path;
      checkConditions(conditions(call), state.numberEtag(accountName, telephoneNumber), true);
      state.deleteNumber(accountName, telephoneNumber);
      return { status: 204 };
    },

    Accounts_CreateOrUpdateNumbers: (call) => {
      const accountName = call.request.path.accountName ?? '';
      const batch = validator.writable({ $ref: '#/definitions/BatchNumbers' }, call.request.body) as { numbers: Record<string, unknown>[] };
      state.putNumbers(accountName, batch.numbers);
      const numbers = batch.numbers.map((n) => state.number(accountName, String(n.telephoneNumber)).body);
      return { status: 200, body: { numbers } };
    },

    Accounts_DeleteNumbers: (call) => {
      const accountName = call.request.path.accountName ?? '';
      const { numbers } = call.request.body as { numbers: { telephoneNumber: string }[] };
      state.requireAccount(accountName);
      for (const n of numbers) state.deleteNumber(accountName, n.telephoneNumber);
      return { status: 204 };
    },
  };
}
