// Runs a command (the test pipeline) with a database for it.
// DATABASE_URL set: used as is (its server must allow CREATE DATABASE).
// Otherwise: a disposable PostgreSQL cluster when the server binaries are found; failing
// that, each test worker starts its own embedded PGlite and says so.
import { spawn } from 'node:child_process';
import { findPostgresBin, startCluster } from './pg-cluster.mjs';

const [cmd, ...args] = process.argv.slice(2);
const env = { ...process.env, TURBO_TELEMETRY_DISABLED: '1', NODE_ENV: 'test' };
let cluster;
if (!env.DATABASE_URL) {
  const bin = findPostgresBin();
  if (bin) {
    cluster = await startCluster(bin);
    env.DATABASE_URL = cluster.url;
    console.log(`[test-db] disposable PostgreSQL cluster from ${bin} at ${cluster.url}`);
  } else {
    env.SORAE_TEST_EMBEDDED = '1';
    console.log('[test-db] no PostgreSQL server binaries found: tests use embedded PGlite (no concurrency tests of real PostgreSQL)');
  }
}
const child = spawn(cmd, args, { stdio: 'inherit', env, shell: false });
const forward = (sig) => child.kill(sig);
process.on('SIGINT', forward);
process.on('SIGTERM', forward);
child.on('exit', (code, signal) => {
  cluster?.stop();
  process.exit(code ?? (signal ? 1 : 0));
});
