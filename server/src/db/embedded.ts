import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import type { PoolOptions } from './orm.js';

/**
 * PGlite is a single session and the socket server serves every connection from it, so what one
 * connection leaves there (prepared statements, settings) the others see. The pg driver relies on
 * each connection being a session of its own that starts empty: it prepares a named statement
 * once per connection, and a second connection preparing the same name fails (42P05). So the
 * embedded database gets one connection at a time (PGlite runs one statement at a time anyway),
 * and each new one first empties the session, as a new PostgreSQL backend starts empty.
 */
const EMBEDDED_POOL: PoolOptions = {
  max: 1,
  afterCreate: (conn, done) => conn.query('DISCARD ALL', (err) => done(err ?? null, conn)),
};

/**
 * The zero-install database for `npm start`: PGlite (PostgreSQL compiled to WASM) kept in
 * `dataDir`, served over the PostgreSQL wire protocol on loopback so the same driver and
 * migrations run against it. Not for production: queries run one at a time.
 */
export async function startEmbeddedPostgres(dataDir: string) {
  mkdirSync(dataDir, { recursive: true });
  // The extensions our migrations create must be compiled into PGlite's WASM build.
  const db = await PGlite.create(join(dataDir, 'pglite'), { extensions: { pg_trgm } });
  // Room beside the pool's one connection for the moment a replaced connection is still closing.
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 4 });
  await server.start();
  return {
    url: `postgres://postgres:postgres@${server.getServerConn()}/postgres`,
    pool: EMBEDDED_POOL,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
