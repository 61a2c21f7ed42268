import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PermanentError } from '../../src/core/errors.js';
import { commandExists, runCommand } from './run-command.js';

/** log4j's SLF4J 1.x binding: the broker's own logging goes through it. */
const LOG4J_VERSION = '2.25.5';

function pom(version: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>flowthrough.local</groupId>
  <artifactId>kafka-broker-runtime</artifactId>
  <version>${version}</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>${version}</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j-impl</artifactId><version>${LOG4J_VERSION}</version></dependency>
  </dependencies>
</project>
`;
}

export function distributionDir(cacheDir: string, version: string): string {
  return join(cacheDir, `kafka-${version}`);
}

/**
 * Makes sure the broker's jars are in the cache, fetching them once from
 * Maven Central with mvn. Returns the directory holding the jars.
 */
export async function ensureKafkaDistribution(cacheDir: string, version: string, log: (line: string) => void): Promise<string> {
  const dir = distributionDir(cacheDir, version);
  const libs = join(dir, 'libs');
  const marker = join(dir, '.complete');
  if (existsSync(marker)) return libs;

  if (!(await commandExists('java'))) {
    throw new PermanentError(
      'java_missing',
      'java was not found on PATH: install a Java 17+ runtime (e.g. apt-get install openjdk-17-jre-headless)',
    );
  }
  if (!(await commandExists('mvn'))) {
    throw new PermanentError(
      'mvn_missing',
      'mvn was not found on PATH: install Apache Maven (e.g. apt-get install maven) to fetch the Kafka broker once',
    );
  }
  log(`fetching Apache Kafka ${version} from Maven Central into ${dir} (once)…`);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'pom.xml'), pom(version));
  const staging = join(dir, 'libs.partial');
  await rm(staging, { recursive: true, force: true });
  const result = await runCommand(
    'mvn',
    ['-q', '-B', '-f', join(dir, 'pom.xml'), 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${staging}`],
    { cwd: dir },
  );
  if (result.code !== 0) {
    throw new PermanentError(
      'kafka_fetch_failed',
      `mvn could not fetch org.apache.kafka:kafka_2.13:${version}:\n${(result.stdout + result.stderr).slice(-2000)}`,
    );
  }
  const jars = (await readdir(staging)).filter((f) => f.endsWith('.jar'));
  if (!jars.some((j) => j.startsWith(`kafka_2.13-${version}`))) {
    throw new PermanentError('kafka_fetch_incomplete', `mvn finished but kafka_2.13-${version}.jar is not in ${staging}`);
  }
  await rm(libs, { recursive: true, force: true });
  await rename(staging, libs);
  await writeFile(marker, `${new Date().toISOString()}\n${jars.length} jars\n`);
  log(`fetched ${jars.length} jars`);
  return libs;
}
