/**
 * Where the test services come from, per service, in this order:
 * (a) the environment, (b) testcontainers when a container runtime answers,
 * (c) the project's own launcher (npm run stack).
 */
export type ServiceSource = 'environment' | 'testcontainers' | 'launcher';

export interface ServiceSelection {
  readonly kafka: ServiceSource;
  readonly postgres: ServiceSource;
}

export function selectServices(env: Readonly<Record<string, string | undefined>>, containerRuntimeAvailable: boolean): ServiceSelection {
  const pick = (variable: string): ServiceSource => {
    if (env[variable]?.trim()) return 'environment';
    return containerRuntimeAvailable ? 'testcontainers' : 'launcher';
  };
  return { kafka: pick('KAFKA_BROKERS'), postgres: pick('DATABASE_URL') };
}
