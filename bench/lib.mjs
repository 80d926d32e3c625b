// Shared benchmark plumbing: a PostgreSQL server (DATABASE_URL or a disposable cluster), a
// fresh database, and the real server started in-process from server/dist.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { findPostgresBin, startCluster } from '../scripts/pg-cluster.mjs';

export async function postgres() {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, stop() {} };
  const bin = findPostgresBin();
  if (!bin) throw new Error('Benchmarks need PostgreSQL: set DATABASE_URL or install the server (apt-get install postgresql)');
  return startCluster(bin);
}

export async function freshDatabase(adminUrl, name) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await client.query(`CREATE DATABASE "${name}"`);
  await client.end();
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * The server as production runs it (graphql-js and others skip development checks), with the
 * built-in Stripe emulator (no money moves in a benchmark) keeping its state in a directory of
 * this run's own. `options` go to createApp as they are (`withoutRollups` for a baseline).
 */
export async function startServer(databaseUrl, env = {}, options = {}) {
  process.env.NODE_ENV = 'production';
  const { createApp } = await import('../server/dist/app.js');
  const { loadConfig } = await import('../server/dist/config.js');
  const dataDir = mkdtempSync(join(tmpdir(), 'sorae-bench-'));
  const config = loadConfig({
    NODE_ENV: 'production',
    SQL_STATEMENT_HEADER: 'true',
    CLICK_IP_SECRET: 'bench-secret-bench-secret-bench-secret',
    SECRETS_KEY: 'bench-secrets-key-bench-secrets-key',
    PUBLIC_URL: 'http://127.0.0.1',
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: databaseUrl,
    ADMIN_EMAIL: 'bench-owner@example.test',
    ADMIN_PASSWORD: 'bench-password',
    PASSWORD_HASH_COST: '10',
    STRIPE_EMULATOR: 'true',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'error',
    DB_POOL_MAX: '20',
    SIGNIN_LIMIT_PER_IP: '1000000',
    APPLY_LIMIT_PER_IP: '1000000',
    // The built-in Stripe emulator on a free port: 12111 may belong to another server on the machine.
    STRIPE_EMULATOR_PORT: '0',
    ...env,
  });
  const app = await createApp({ config, ...options });
  return {
    ...app,
    async close() {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Resolves once the server at `base` answers `GET /healthz`; throws after `timeoutMs`. */
export async function untilHealthy(base, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server did not become healthy');
}

/**
 * The environment of a server run as a child process in production mode on `port`, on the
 * database at `databaseUrl`, calling Stripe at `stripeApiUrl` (an emulator the script runs).
 */
export function childServerEnv({ port, databaseUrl, stripeApiUrl, webhookSecret }) {
  return {
    ...process.env,
    NODE_ENV: 'production',
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: databaseUrl,
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    ADMIN_EMAIL: 'bench-owner@example.test',
    ADMIN_PASSWORD: 'bench-password',
    PASSWORD_HASH_COST: '10',
    CLICK_IP_SECRET: 'bench-secret-bench-secret-bench-secret',
    SECRETS_KEY: 'bench-secrets-key-bench-secrets-key',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
    DB_POOL_MAX: '20',
    STRIPE_SECRET_KEY: 'sk_test_bench',
    STRIPE_WEBHOOK_SECRET: webhookSecret,
    STRIPE_API_URL: stripeApiUrl,
    SIGNIN_LIMIT_PER_IP: '1000000',
  };
}

export async function gql(url, query, variables, token) {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return { data: body.data, statements: Number(res.headers.get('x-sql-statements')) };
}

/**
 * An applicant opening the link mailed after submitApplication (the server runs without
 * SMTP_URL, so the owner's outbox holds it): records the application under its submitted id.
 */
export async function confirmFromOutbox(url, ownerToken, email) {
  const { data } = await gql(url, `{ outbox(first: 100) { edges { node { to kind text } } } }`, {}, ownerToken);
  const mail = data.outbox.edges.map((e) => e.node).find((m) => m.to === email && m.kind === 'applicationReceived');
  const t = mail?.text.match(/\/portal\/confirm#(\S+)/)?.[1];
  if (!t) throw new Error(`no confirmation link was mailed to ${email}`);
  await gql(url, `mutation($t: String!) { confirmApplication(token: $t) { passwordRequired } }`, { t });
}

export function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** CPU seconds (user + system) a process has used so far (Linux /proc; throws when it is gone). */
export function processCpuSeconds(pid) {
  const fields = statFields(pid);
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * CPU seconds used so far by the PostgreSQL backends serving `database`, with those that have
 * exited (a pool closing idle connections would otherwise make a phase's figure drop, even below
 * zero): their time is the postmaster's reaped children's, so on a shared cluster it counts the
 * other databases' exited backends too. Linux /proc; 0 elsewhere.
 */
export function postgresCpuSeconds(database) {
  let seconds = 0;
  const postmasters = new Set();
  try {
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(` ${database} `)) continue;
        const fields = statFields(pid);
        seconds += (Number(fields[11]) + Number(fields[12])) / 100;
        postmasters.add(fields[1]);
      } catch {
        /* the process ended */
      }
    }
    for (const pid of postmasters) {
      const fields = statFields(pid);
      seconds += (Number(fields[13]) + Number(fields[14])) / 100;
    }
  } catch {
    return 0;
  }
  return seconds;
}

/** /proc/<pid>/stat's fields after the command name: [0] state, [1] ppid, … [11] utime, [12] stime, [13] cutime, [14] cstime. */
function statFields(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** The whole machine's CPU time so far, busy and total, in seconds summed over cores (Linux /proc/stat; zeros elsewhere). */
export function machineCpuSeconds() {
  try {
    const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
    const ticks = fields.slice(0, 8).map(Number); // user nice system idle iowait irq softirq steal
    const total = ticks.reduce((a, b) => a + b, 0);
    return { busy: (total - ticks[3] - ticks[4]) / 100, total: total / 100 };
  } catch {
    return { busy: 0, total: 0 };
  }
}
