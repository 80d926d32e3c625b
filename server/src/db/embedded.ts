import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/** Connections the socket server accepts; the ORM's pool must not ask for more. */
export const EMBEDDED_MAX_CONNECTIONS = 10;

/**
 * The zero-install database for `npm start`: PGlite (PostgreSQL compiled to WASM) kept in
 * `dataDir`, served over the PostgreSQL wire protocol on loopback so the same driver and
 * migrations run against it. Not for production: queries run one at a time.
 */
export async function startEmbeddedPostgres(dataDir: string | 'memory') {
  // The extensions our migrations create must be compiled into PGlite's WASM build.
  const extensions = { pg_trgm };
  let db: PGlite;
  if (dataDir === 'memory') db = await PGlite.create({ extensions });
  else {
    mkdirSync(dataDir, { recursive: true });
    db = await PGlite.create(join(dataDir, 'pglite'), { extensions });
  }
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: EMBEDDED_MAX_CONNECTIONS });
  await server.start();
  const conn = server.getServerConn();
  return {
    url: `postgres://postgres:postgres@${conn}/postgres`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
