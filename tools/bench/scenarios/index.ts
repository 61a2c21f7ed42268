import type { Scenario } from '../lib/scenario.js';
import { bareIntake } from './bare-intake.js';
import { ceilings } from './ceilings.js';
import { flowthrough } from './flowthrough.js';
import { intake } from './intake.js';
import { lookup } from './lookup.js';

/** Every scenario `npm run bench -- <name>` knows. Add new ones here (one module per scenario). */
export const SCENARIOS: ReadonlyMap<string, Scenario> = new Map(
  [intake, ceilings, bareIntake, flowthrough, lookup].map((s) => [s.name, s]),
);
