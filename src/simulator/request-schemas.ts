import { CAPABILITIES, RELATIONSHIP_STATUSES, USAGES } from '../contracts/operator-connect-api.js';

/** JSON schemas of the request bodies; unknown fields are refused so a client's typo surfaces as a 400. */

export const GUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
export const E164_PATTERN = '^\\+[1-9]\\d{1,14}$';

export const telephoneNumberSchema = { type: 'string', pattern: E164_PATTERN } as const;

export const numberConfigurationProperties = {
  usage: { type: 'string', enum: USAGES },
  choosableCapabilities: { type: 'array', items: { type: 'string', enum: CAPABILITIES }, uniqueItems: true, maxItems: CAPABILITIES.length },
  civicAddressId: { type: 'string', minLength: 1, maxLength: 64 },
  locationId: { type: 'string', minLength: 1, maxLength: 64 },
  allowTenantAddressUpdate: { type: 'boolean' },
  displayedCountryCode: { type: 'string', pattern: '^[A-Z]{2}$' },
  additionalUsages: { type: 'array', items: { type: 'string', enum: USAGES }, uniqueItems: true, maxItems: USAGES.length },
} as const;

export const numberConfigurationSchema = {
  type: 'object',
  properties: numberConfigurationProperties,
  required: ['usage', 'choosableCapabilities'],
  additionalProperties: false,
} as const;

const numberEntrySchema = {
  type: 'object',
  properties: { telephoneNumber: telephoneNumberSchema, ...numberConfigurationProperties },
  required: ['telephoneNumber', 'usage', 'choosableCapabilities'],
  additionalProperties: false,
} as const;

export const uploadOrderSchema = {
  type: 'object',
  properties: {
    teamsPhoneMobile: { type: 'boolean' },
    numbers: { type: 'array', minItems: 1, items: numberEntrySchema },
  },
  required: ['numbers'],
  additionalProperties: false,
} as const;

export const updateOrderSchema = {
  type: 'object',
  properties: { numbers: { type: 'array', minItems: 1, items: numberEntrySchema } },
  required: ['numbers'],
  additionalProperties: false,
} as const;

export const releaseOrderSchema = {
  type: 'object',
  properties: {
    numbers: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        properties: { telephoneNumber: telephoneNumberSchema },
        required: ['telephoneNumber'],
        additionalProperties: false,
      },
    },
  },
  required: ['numbers'],
  additionalProperties: false,
} as const;

export const customerRelationshipUpdateSchema = {
  type: 'object',
  properties: {
    customerRelationship: {
      type: 'object',
      properties: {
        status: { type: 'string', enum: RELATIONSHIP_STATUSES },
        comment: { type: ['string', 'null'], maxLength: 1000 },
      },
      required: ['status'],
      additionalProperties: false,
    },
  },
  required: ['customerRelationship'],
  additionalProperties: false,
} as const;
