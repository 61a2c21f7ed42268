import type { TestContext } from 'node:test';
import type { AcgSimulatorOptions } from '../../src/acg-simulator/index.js';
import { acgTestClient, startAcgSimulator } from './acg-simulator.js';
import { trustSimulatorCertificate } from './operator-connect.js';

/** An ACG simulator for one test and a production AcgProvisioningClient of it (client secret against its fake Entra ID, unpaced). */
export async function acgSimulatorWithClient(t: TestContext, options: AcgSimulatorOptions = {}) {
  const started = await startAcgSimulator(t, options);
  const { endpoints } = started;
  trustSimulatorCertificate(t, endpoints);
  const client = acgTestClient(endpoints);
  return { ...started, client };
}
