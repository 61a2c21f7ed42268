import { AcgError } from './acg-error.js';
import { checkConditions } from './etag.js';
import { conditions, withEtag, type AcgHandler } from './handler-context.js';
import { page, type PageSizes } from './paging.js';
import type { SchemaValidator } from './schema-validator.js';
import type { AcgState } from './state.js';

const ACCOUNT = { $ref: '#/definitions/AccountResource' };

/** Accounts: list, get, create or replace, delete. */
export function accountHandlers(state: AcgState, validator: SchemaValidator, sizes: PageSizes): Record<string, AcgHandler> {
  return {
    Accounts_List: (call) => page(state.listAccounts(), call.request, call.url, sizes),

    Accounts_Get: (call) => {
      const name = call.request.path.accountName ?? '';
      checkConditions(conditions(call), state.accountEtag(name), false);
      const { body, etag } = state.account(name);
      return withEtag(200, body, etag);
    },

    Accounts_CreateOrReplace: (call) => {
      const name = call.request.path.accountName ?? '';
      checkConditions(conditions(call), state.accountEtag(name), true);
      const resource = validator.writable(ACCOUNT, call.request.body) as Record<string, unknown>;
      if (resource.name !== name) {
        throw new AcgError(400, 'InvalidRequest', `name ${JSON.stringify(resource.name)} must be the path's account name, ${name}.`, [
          { code: 'InvalidValue', message: `must be ${name}`, target: 'resource.name' },
        ]);
      }
      const created = state.putAccount(name, resource);
      const { body, etag } = state.account(name);
      return withEtag(created ? 201 : 200, body, etag);
    },

    Accounts_Delete: (call) => {
      const name = call.request.path.accountName ?? '';
      checkConditions(conditions(call), state.accountEtag(name), true);
      state.deleteAccount(name, call.request.query.deleteNumbers === true);
      return { status: 204 };
    },
  };
}
