import { CONSENT_STATUSES, RELATIONSHIP_STATUSES, ROLES } from '../contracts/operator-connect-api.js';
import { API_OPERATIONS, ENTRA_OPERATIONS } from './operations.js';
import { GUID_PATTERN, E164_PATTERN, numberConfigurationSchema } from './request-schemas.js';

/** JSON schemas of the simulator's options, seed files and fault scripts (the admin API takes the same JSON). */

const operation = { type: 'string', enum: [...API_OPERATIONS, ...ENTRA_OPERATIONS] } as const;
const phase = { type: 'string', enum: ['beforeHandling', 'afterHandling'] } as const;
const probability = { type: 'number', minimum: 0, maximum: 1 } as const;
const retryAfterSeconds = { type: 'integer', minimum: 0, maximum: 3600 } as const;
const country = { type: 'string', pattern: '^[A-Za-z]{2}$' } as const;
const guid = { type: 'string', pattern: GUID_PATTERN } as const;

const operations = { type: 'array', items: operation, uniqueItems: true } as const;

export const scriptedFaultSchema = {
  type: 'object',
  properties: {
    kind: { type: 'string', enum: ['pass', 'throttle', 'serverError', 'serviceUnavailable', 'reset', 'hang', 'slow'] },
    retryAfterSeconds,
    phase,
    delayMs: { type: 'integer', minimum: 0, maximum: 600_000 },
    hangMs: { type: 'integer', minimum: 0, maximum: 3_600_000 },
    operations,
  },
  required: ['kind'],
  additionalProperties: false,
  if: { properties: { kind: { const: 'slow' } } },
  // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword, not a thenable.
  then: { properties: { delayMs: { type: 'integer' } }, required: ['delayMs'] },
} as const;

const faultProbabilities = {
  type: 'object',
  properties: {
    throttle: probability,
    serverError: probability,
    serviceUnavailable: probability,
    reset: probability,
    hang: probability,
    slow: probability,
  },
  additionalProperties: false,
} as const;
const retryAfterPerFault = {
  type: 'object',
  properties: { throttle: retryAfterSeconds, serviceUnavailable: retryAfterSeconds },
  additionalProperties: false,
} as const;
const slowMs = { type: 'integer', minimum: 0, maximum: 600_000 } as const;
const hangMs = { type: 'integer', minimum: 0, maximum: 3_600_000 } as const;

export const faultOptionsSchema = {
  type: 'object',
  properties: {
    script: { type: 'array', items: scriptedFaultSchema },
    probabilities: faultProbabilities,
    operations,
    retryAfterSeconds,
    retryAfter: retryAfterPerFault,
    slowMs,
    hangMs,
    phase,
    token: {
      type: 'object',
      properties: { probabilities: faultProbabilities, retryAfterSeconds, retryAfter: retryAfterPerFault, slowMs, hangMs },
      additionalProperties: false,
    },
  },
  additionalProperties: false,
} as const;

const contactSchema = {
  type: 'object',
  properties: {
    fullName: { type: 'string', minLength: 1 },
    email: { type: 'string', minLength: 3 },
    telephoneNumber: { type: 'string' },
    companyName: { type: 'string' },
    companySize: { type: 'string' },
  },
  required: ['fullName', 'email'],
  additionalProperties: false,
} as const;

const civicAddressSchema = {
  type: 'object',
  properties: {
    id: { type: 'string', minLength: 1, maxLength: 64 },
    country: country,
    description: { type: 'string' },
    locationIds: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 64 }, uniqueItems: true },
  },
  required: ['id'],
  additionalProperties: false,
} as const;

const consentFields = {
  status: { type: 'string', enum: CONSENT_STATUSES },
  consentedCountries: { type: 'array', items: country, uniqueItems: true },
  contacts: { type: 'array', items: contactSchema },
  customerRelationship: {
    type: 'object',
    properties: { status: { type: 'string', enum: RELATIONSHIP_STATUSES }, comment: { type: ['string', 'null'] } },
    required: ['status'],
    additionalProperties: false,
  },
  consentedOn: { type: 'string', minLength: 10 },
  civicAddresses: { type: 'array', items: civicAddressSchema },
} as const;

export const consentSeedSchema = {
  type: 'object',
  properties: { tenantId: guid, ...consentFields },
  required: ['tenantId', 'consentedCountries'],
  additionalProperties: false,
} as const;

/** The admin API's consent change: any subset of the enterprise-side fields. */
export const consentPatchSchema = {
  type: 'object',
  properties: consentFields,
  additionalProperties: false,
} as const;

const numberSeedFields = {
  tenantId: guid,
  teamsPhoneMobile: { type: 'boolean' },
  configuration: numberConfigurationSchema,
  assignedToUser: { type: 'boolean' },
} as const;

export const numberSeedSchema = {
  type: 'object',
  properties: { telephoneNumber: { type: 'string', pattern: E164_PATTERN }, ...numberSeedFields },
  required: ['tenantId', 'telephoneNumber', 'configuration'],
  additionalProperties: false,
} as const;

/** The admin API's number placement: the number comes from the path. */
export const numberPlacementSchema = {
  type: 'object',
  properties: numberSeedFields,
  required: ['tenantId', 'configuration'],
  additionalProperties: false,
} as const;

export const assignmentSchema = {
  type: 'object',
  properties: { assignedToUser: { type: 'boolean' } },
  required: ['assignedToUser'],
  additionalProperties: false,
} as const;

/** Admin token overrides (TokenOverrides): a test double's knobs, not a token endpoint feature. */
export const tokenOverridesSchema = {
  type: 'object',
  properties: {
    roles: { type: 'array', items: { type: 'string', minLength: 1 }, uniqueItems: true },
    audience: { type: 'string', minLength: 1 },
    issuer: { type: 'string', minLength: 1 },
    lifetimeSeconds: { type: 'integer', minimum: -86_400, maximum: 86_400 },
    issuedAt: { type: 'integer', minimum: 0 },
  },
  additionalProperties: false,
} as const;

export const seedFileSchema = {
  type: 'object',
  properties: {
    $comment: { type: 'string' },
    consents: { type: 'array', items: consentSeedSchema },
    numbers: { type: 'array', items: numberSeedSchema },
  },
  required: ['consents'],
  additionalProperties: false,
} as const;

const port = { type: 'integer', minimum: 0, maximum: 65535 } as const;
const nonNegativeMs = { type: 'integer', minimum: 0, maximum: 3_600_000 } as const;

/** The data part of SimulatorOptions (clock and logger are objects, checked apart). */
export const optionsSchema = {
  type: 'object',
  properties: {
    host: { type: 'string', minLength: 1 },
    port,
    tokenPort: port,
    basePath: { type: 'string', pattern: '^(/[A-Za-z0-9._~-]+)*$' },
    paths: {
      type: 'object',
      patternProperties: {
        '^(consents|consent|uploadOrders|releaseOrders|updateOrders|order|numbers|number)$': { type: 'string', pattern: '^/' },
      },
      additionalProperties: false,
    },
    apiVersions: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1, uniqueItems: true },
    maxNumbersPerOrder: { type: 'integer', minimum: 1, maximum: 100_000 },
    processingDelayMs: nonNegativeMs,
    orderProcessing: { type: 'string', enum: ['automatic', 'manual'] },
    latencyMs: nonNegativeMs,
    latencyJitterMs: nonNegativeMs,
    rateLimitPerSecond: { type: 'number', minimum: 0 },
    rateLimitBurst: { type: 'integer', minimum: 1 },
    faults: faultOptionsSchema,
    consents: { type: 'array', items: consentSeedSchema },
    numbers: { type: 'array', items: numberSeedSchema },
    seedFile: { type: 'string', minLength: 1 },
    entraTenantId: guid,
    operatorId: guid,
    audience: { type: 'string', minLength: 1 },
    otherAudiences: { type: 'array', items: { type: 'string', minLength: 1 }, uniqueItems: true },
    clients: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        properties: {
          clientId: guid,
          clientSecret: { type: 'string', minLength: 1 },
          registered: { type: 'boolean' },
          roles: { type: 'array', items: { type: 'string', enum: ROLES }, uniqueItems: true },
        },
        required: ['clientId', 'clientSecret'],
        additionalProperties: false,
      },
    },
    tokenLifetimeSeconds: { type: 'integer', minimum: 1, maximum: 86_400 },
    repeatabilityWindowSeconds: { type: 'integer', minimum: 1 },
    defaultPageSize: { type: 'integer', minimum: 1, maximum: 1000 },
    maxPageSize: { type: 'integer', minimum: 1, maximum: 1000 },
    seed: { type: 'integer' },
    clock: {},
    logger: {},
  },
  additionalProperties: false,
} as const;
