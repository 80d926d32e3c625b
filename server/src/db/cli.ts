// Developer commands: `node dist/db/cli.js create` writes a migration for the entity changes
// since the last one (against DATABASE_URL, after applying the committed ones).
import { fileURLToPath } from 'node:url';
import { MikroORM } from '@mikro-orm/postgresql';
import { loadConfig } from '../config.js';
import { ormOptions } from './orm.js';

const config = loadConfig();
if (!config.databaseUrl) throw new Error('Set DATABASE_URL to a scratch database');
const options = ormOptions(config.databaseUrl, { max: 2 });
const orm = await MikroORM.init({
  ...options,
  migrations: { ...options.migrations, path: fileURLToPath(new URL('../../src/db/migrations', import.meta.url)), emit: 'ts' },
});
try {
  const migrator = orm.getMigrator();
  await migrator.up();
  if (process.argv[2] === 'create') {
    const result = await migrator.createMigration(undefined, false, false);
    console.log(result.fileName ? `wrote ${result.fileName}; add it to migrations/index.ts` : 'no changes');
  }
} finally {
  await orm.close();
}
