// node --test loads its global setup before --import hooks apply, so the
// TypeScript harness is loaded through tsx's API from this plain module.
import { tsImport } from 'tsx/esm/api';

const harness = await tsImport('./harness/global-setup.ts', import.meta.url);

export const globalSetup = harness.globalSetup;
export const globalTeardown = harness.globalTeardown;
