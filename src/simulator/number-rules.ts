import type { NumberConfiguration, NumberEntry, NumberErrorCode } from '../contracts/operator-connect-api.js';
import { consentCovers, countryOf } from '../core/telephony/country-of-number.js';
import type { SimulatorState } from './state.js';

/**
 * The per-number business rules of the modelled service, as pure decisions
 * over the state. An order applies each number whose decision is `ok` and
 * reports the others with a stable error code.
 */

export type Decision = { readonly ok: true } | { readonly ok: false; readonly errorCode: NumberErrorCode; readonly message: string };

type View = Pick<SimulatorState, 'consent' | 'number' | 'hasCivicAddress' | 'hasLocation'>;

const OK: Decision = { ok: true };
const fail = (errorCode: NumberErrorCode, message: string): Decision => ({ ok: false, errorCode, message });

/** Uploads and updates need an active consent that covers the number's country (reference §1.4, §3). */
function consentRule(view: View, tenantId: string, telephoneNumber: string): Decision {
  const country = countryOf(telephoneNumber);
  if (!country) return fail('UnknownCountryCode', `The country of ${telephoneNumber} is not recognised.`);
  const consent = view.consent(tenantId);
  if (consent?.status !== 'active') {
    return fail(
      'NoActiveConsent',
      `Tenant ${tenantId} has no active consent for this operator${consent ? ` (consent is ${consent.status})` : ''}.`,
    );
  }
  if (!consentCovers(consent.consentedCountries, country)) {
    return fail('CountryNotConsented', `Tenant ${tenantId} has not consented to service in ${country}.`);
  }
  return OK;
}

/** Emergency addresses belong to the tenant: the ids must be ones it created. */
function configurationRule(view: View, tenantId: string, teamsPhoneMobile: boolean, configuration: NumberConfiguration): Decision {
  if (!teamsPhoneMobile && configuration.choosableCapabilities.includes('Mobile')) {
    return fail('MobileCapabilityNotAllowed', 'The Mobile capability is only allowed on Teams Phone Mobile numbers.');
  }
  if (configuration.civicAddressId !== undefined && !view.hasCivicAddress(tenantId, configuration.civicAddressId)) {
    return fail('UnknownCivicAddress', `Civic address ${configuration.civicAddressId} does not exist in tenant ${tenantId}.`);
  }
  if (configuration.locationId !== undefined && !view.hasLocation(tenantId, configuration.locationId, configuration.civicAddressId)) {
    return fail(
      'UnknownLocation',
      `Location ${configuration.locationId} does not exist${configuration.civicAddressId ? ` under civic address ${configuration.civicAddressId}` : ''} in tenant ${tenantId}.`,
    );
  }
  return OK;
}

/** A number a user holds keeps its usage: changing it would pull the number from under the user. */
function assignedUsageRule(view: View, telephoneNumber: string, usage: NumberConfiguration['usage']): Decision {
  const current = view.number(telephoneNumber);
  if (current?.assignedToUser && current.configuration.usage !== usage) {
    return fail('NumberAssignedToUser', `${telephoneNumber} is assigned to a user; its usage cannot change until the tenant unassigns it.`);
  }
  return OK;
}

const first = (...decisions: (() => Decision)[]): Decision => {
  for (const decide of decisions) {
    const d = decide();
    if (!d.ok) return d;
  }
  return OK;
};

export function decideUpload(view: View, tenantId: string, teamsPhoneMobile: boolean, entry: NumberEntry): Decision {
  return first(
    () => consentRule(view, tenantId, entry.telephoneNumber),
    () => {
      const holder = view.number(entry.telephoneNumber);
      return holder && holder.tenantId !== tenantId
        ? fail('NumberHeldByAnotherTenant', `${entry.telephoneNumber} is held by another tenant; release it there first.`)
        : OK;
    },
    () => configurationRule(view, tenantId, teamsPhoneMobile, entry),
    () => assignedUsageRule(view, entry.telephoneNumber, entry.usage),
  );
}

/** Release needs no consent: an operator must be able to clean up after a contract ends. */
export function decideRelease(view: View, tenantId: string, telephoneNumber: string): Decision {
  const holder = view.number(telephoneNumber);
  if (!holder || holder.tenantId !== tenantId) return fail('NumberNotFound', `Tenant ${tenantId} does not hold ${telephoneNumber}.`);
  if (holder.assignedToUser) {
    return fail(
      'NumberAssignedToUser',
      `${telephoneNumber} is assigned to a user; the tenant must unassign it in the Teams admin center before release.`,
    );
  }
  return OK;
}

export function decideUpdate(view: View, tenantId: string, entry: NumberEntry): Decision {
  const holder = view.number(entry.telephoneNumber);
  if (!holder || holder.tenantId !== tenantId) return fail('NumberNotFound', `Tenant ${tenantId} does not hold ${entry.telephoneNumber}.`);
  return first(
    () => consentRule(view, tenantId, entry.telephoneNumber),
    () => configurationRule(view, tenantId, holder.teamsPhoneMobile, entry),
    () => assignedUsageRule(view, entry.telephoneNumber, entry.usage),
  );
}
