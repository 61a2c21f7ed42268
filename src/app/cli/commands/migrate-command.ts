import type { Config } from '../../../platform/config/load-config.js';
import { migrate } from '../../../platform/db/migrator.js';
import { createPool } from '../../../platform/db/pool.js';
import { printLine } from '../output.js';

export async function migrateCommand(config: Config): Promise<number> {
  const pool = createPool({ url: config.database.url, connection: config.database, max: 1 });
  try {
    const result = await migrate(pool);
    printLine(
      result.applied.length > 0
        ? `applied migrations ${result.applied.join(', ')}; database at ${result.current}`
        : `database already at migration ${result.current}: nothing to do`,
    );
    return 0;
  } finally {
    await pool.end();
  }
}
