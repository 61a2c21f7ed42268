import type { ConsentContact, ConsentView, ReportedRelationship } from '../consent-cache.js';

/**
 * A consent as either backend answers it, as a ConsentView. Operator Connect's
 * Consent and ACG's RequestForInformationResource name their fields alike
 * (tenantId, status, consentedCountries, contacts, customerRelationship,
 * consentedOn, lastModifiedOn, productContext, operatorId; ACG adds
 * accountName), so one mapping serves both. Answers are JSON from the
 * network: a field of the wrong type is left out rather than trusted, and the
 * tenant id is lower-cased (GUIDs are case-insensitive; our tables key on the
 * lower-case form).
 */
export function consentViewOf(answer: Readonly<Record<string, unknown>>): ConsentView {
  const contacts = Array.isArray(answer.contacts) ? answer.contacts.flatMap(contactOf) : undefined;
  const relationship = relationshipOf(answer.customerRelationship);
  return {
    tenantId: String(answer.tenantId ?? '').toLowerCase(),
    status: typeof answer.status === 'string' ? answer.status : 'unknown',
    consentedCountries: Array.isArray(answer.consentedCountries)
      ? answer.consentedCountries.filter((c): c is string => typeof c === 'string')
      : [],
    ...(contacts ? { contacts } : {}),
    ...(relationship ? { customerRelationship: relationship } : {}),
    ...optionalText(answer, 'consentedOn'),
    ...optionalText(answer, 'lastModifiedOn'),
    ...optionalText(answer, 'productContext'),
    ...optionalText(answer, 'operatorId'),
    ...optionalText(answer, 'accountName'),
  };
}

type TextField = 'consentedOn' | 'lastModifiedOn' | 'productContext' | 'operatorId' | 'accountName';

function optionalText(answer: Readonly<Record<string, unknown>>, field: TextField): Partial<Record<TextField, string>> {
  const value = answer[field];
  return typeof value === 'string' && value !== '' ? { [field]: value } : {};
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A contact needs its name and email (both required by either contract); one without is dropped. */
function contactOf(value: unknown): ConsentContact[] {
  if (!isRecord(value) || typeof value.fullName !== 'string' || typeof value.email !== 'string') return [];
  const optional = (k: 'telephoneNumber' | 'companyName' | 'companySize') => (typeof value[k] === 'string' ? { [k]: value[k] } : {});
  return [
    {
      fullName: value.fullName,
      email: value.email,
      ...optional('telephoneNumber'),
      ...optional('companyName'),
      ...optional('companySize'),
    },
  ];
}

function relationshipOf(value: unknown): ReportedRelationship | undefined {
  if (!isRecord(value)) return undefined;
  return {
    ...(typeof value.status === 'string' ? { status: value.status } : {}),
    ...(typeof value.comment === 'string' || value.comment === null ? { comment: value.comment as string | null } : {}),
    ...(typeof value.lastModifiedOn === 'string' ? { lastModifiedOn: value.lastModifiedOn } : {}),
  };
}
