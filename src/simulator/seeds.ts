import { readFile } from 'node:fs/promises';
import { PermanentError } from '../core/errors.js';
import type { ConsentStatus, Contact, NumberConfiguration, RelationshipStatus } from '../contracts/operator-connect-api.js';
import { seedFileSchema } from './option-schemas.js';
import { check } from './validation.js';

/** A civic address the enterprise created in Teams, with the locations (places) under it. */
export interface CivicAddressSeed {
  readonly id: string;
  readonly country?: string;
  readonly description?: string;
  readonly locationIds?: readonly string[];
}

/** A consent as the enterprise gave it in the Teams Admin Center. */
export interface ConsentSeed {
  readonly tenantId: string;
  readonly status?: ConsentStatus;
  readonly consentedCountries: readonly string[];
  readonly contacts?: readonly Contact[];
  readonly customerRelationship?: { readonly status: RelationshipStatus; readonly comment?: string | null };
  readonly consentedOn?: string;
  readonly civicAddresses?: readonly CivicAddressSeed[];
}

/** A number a tenant already holds when the simulator starts (or one placed by the admin API). */
export interface NumberSeed {
  readonly tenantId: string;
  readonly telephoneNumber: string;
  readonly teamsPhoneMobile?: boolean;
  readonly configuration: NumberConfiguration;
  readonly assignedToUser?: boolean;
}

export interface SeedFile {
  readonly consents: readonly ConsentSeed[];
  readonly numbers?: readonly NumberSeed[];
}

/** Reads and validates a seed file such as simulator/consents.example.json. */
export async function loadSeedFile(path: string): Promise<SeedFile> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new PermanentError(
      'invalid_simulator_seed',
      `cannot read seed file ${path}: ${error instanceof Error ? error.message : String(error)}`,
      {
        cause: error,
      },
    );
  }
  const problems = check(seedFileSchema, parsed);
  if (problems.length > 0) {
    throw new PermanentError(
      'invalid_simulator_seed',
      `seed file ${path}:\n${problems.map((p) => `  - ${p.target || '(root)'}: ${p.message}`).join('\n')}`,
    );
  }
  return parsed as SeedFile;
}
