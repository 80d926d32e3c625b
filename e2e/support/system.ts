import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminUrl, createDatabase, dropDatabase, withDatabase } from '../../server/src/test/databases.js';
import { freePort } from '../../scripts/free-port.mjs';
import { adminDist, artifactsDir, portalDist, repoRoot, serverEntry, stripeEmulatorDist } from './paths.js';

export interface GraphQLResponse<T = Record<string, unknown>> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string; fieldErrors?: Record<string, string>; retryAfterSeconds?: number } }[];
}

/** The whole Sorae system, running as `node server/dist/main.js` on its own fresh database. */
export interface System {
  /** The server's PUBLIC_URL, e.g. http://127.0.0.1:41234 (zero-install: http://localhost:41234). */
  baseUrl: string;
  adminUrl: string;
  portalUrl: string;
  admin: { email: string; password: string };
  /** Its database on the DATABASE_URL server (zero-install: PGlite's own, `postgres`). */
  databaseName: string;
  /** Where this run's server log and screenshots go. */
  artifacts: string;
  /** POST /graphql as an outside client: no cookie, optional extra headers (e.g. Authorization). */
  graphql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse<T>>;
  /** Last lines the server printed (for failure messages). */
  logTail(): string;
  /** Sends the server process a signal, as an orchestrator stopping it does. */
  signal(signal: NodeJS.Signals): void;
  /** The server process's exit code, once it has exited (null: ended by a signal). */
  exited: Promise<number | null>;
  /** Ends the server (SIGTERM, then SIGKILL) if it still runs, and drops the database. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Names the artifacts folder: e2e/artifacts/<name>/. */
  name: string;
  /**
   * Start as a newcomer's `npm start` does: no DATABASE_URL (the embedded PGlite, in the
   * system's temporary DATA_DIR), every other setting at its default (demo seed, demo admin, PUBLIC_URL on
   * localhost) apart from the two ports. The admin's credentials are read from what it prints.
   */
  zeroInstall?: boolean;
  /** Extra environment for the server (overrides the defaults below). */
  env?: Record<string, string>;
  /** Options for `node` before the server's entry (e.g. `--import` a loader hook). */
  nodeArgs?: string[];
  startupTimeoutMs?: number;
}

/** A fresh database on the PostgreSQL server named by DATABASE_URL, and the settings that point the server at it. */
async function postgresDatabase(baseUrl: string, admin: { email: string; password: string }) {
  const name = await createDatabase('e2e');
  return {
    name,
    env: {
      NODE_ENV: 'test',
      DATABASE_URL: withDatabase(adminUrl(), name),
      HOST: '127.0.0.1',
      PUBLIC_URL: baseUrl,
      ADMIN_EMAIL: admin.email,
      ADMIN_PASSWORD: admin.password,
      MERCHANT_NAME: 'E2E Outfitters',
      PASSWORD_HASH_COST: '10',
      SECRETS_KEY: 'sorae-e2e-secrets-key-not-for-production',
      SEED_DEMO: 'false',
    },
    drop: () => dropDatabase(name),
  };
}

/** The sign-in `npm start` prints for the demo: "Admin sign-in:   <email> / <password>". */
const PRINTED_ADMIN = /Admin sign-in:\s+(\S+) \/ (\S+)/;

export function slugOf(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 80);
}

/**
 * Creates a database on the PostgreSQL server named by DATABASE_URL (or, zero-install, a data
 * directory for the embedded one), starts the built server on a free port against it, and waits
 * for GET /healthz. `stop()` ends the process (SIGTERM, then SIGKILL) and removes the data.
 */
export async function startSystem(options: StartOptions): Promise<System> {
  for (const [what, file] of [
    ['the server', serverEntry],
    ['the Stripe emulator', join(stripeEmulatorDist, 'index.js')],
    ['admin-web', adminDist],
    ['portal-web', portalDist],
  ] as const) {
    if (!existsSync(file)) throw new Error(`${what} is not built (${file} is missing): run \`npm run build\` at the repository root first.`);
  }
  if (!options.zeroInstall) adminUrl(); // throws a clear message when DATABASE_URL is unset

  const artifacts = join(artifactsDir, slugOf(options.name));
  mkdirSync(artifacts, { recursive: true });
  const [port, stripePort] = [await freePort(), await freePort()];
  // Zero-install: PUBLIC_URL's default, so the Stripe onboarding returns to the origin the browser uses.
  const baseUrl = options.zeroInstall ? `http://localhost:${port}` : `http://127.0.0.1:${port}`;
  let admin = { email: 'owner@e2e.sorae.test', password: 'e2e-owner-password' };
  // This system's own state, never the demo's .data: the Stripe emulator's, and zero-install's database.
  const dataDir = mkdtempSync(join(tmpdir(), 'sorae-e2e-'));
  const database = options.zeroInstall ? null : await postgresDatabase(baseUrl, admin);

  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TZ: 'UTC',
    PORT: String(port),
    STRIPE_EMULATOR_PORT: String(stripePort),
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    ...database?.env,
    ...options.env,
  };

  const log = createWriteStream(join(artifacts, 'server.log'));
  const tail: string[] = [];
  const printed: { admin?: { email: string; password: string } } = {};
  const remember = (chunk: Buffer) => {
    log.write(chunk);
    const lines = chunk.toString('utf8').split('\n').filter(Boolean);
    for (const m of lines.map((l) => PRINTED_ADMIN.exec(l))) if (m) printed.admin = { email: m[1]!, password: m[2]! };
    tail.push(...lines);
    if (tail.length > 60) tail.splice(0, tail.length - 60);
  };
  const child: ChildProcess = spawn(process.execPath, ['--enable-source-maps', ...(options.nodeArgs ?? []), serverEntry], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', remember);
  child.stderr!.on('data', remember);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let running = true;
  void exited.then(() => {
    running = false;
  });

  const logTail = () => tail.join('\n');
  const stop = async () => {
    if (running) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
    }
    await new Promise<void>((resolve) => log.end(resolve));
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    // Zero-install starts PGlite, migrates it and seeds the demo before it answers.
    await waitForHealth(baseUrl, () => running, options.startupTimeoutMs ?? (options.zeroInstall ? 150_000 : 90_000));
    if (options.zeroInstall) {
      // Printed once the server is up, which may be a moment after /healthz first answers.
      await until(
        () => !!printed.admin,
        () => running,
        10_000,
        'The server printed no "Admin sign-in:" line',
      );
      admin = printed.admin!;
    }
  } catch (e) {
    await stop().catch(() => undefined);
    throw new Error(`${(e as Error).message}\n--- server output (last lines) ---\n${logTail()}`);
  }

  return {
    baseUrl,
    adminUrl: `${baseUrl}/admin/`,
    portalUrl: `${baseUrl}/portal/`,
    admin,
    databaseName: database?.name ?? 'postgres',
    artifacts,
    logTail,
    signal: (signal) => void child.kill(signal),
    exited,
    stop,
    async graphql<T>(query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
      const res = await fetch(`${baseUrl}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      const text = await res.text();
      try {
        return JSON.parse(text) as GraphQLResponse<T>;
      } catch {
        throw new Error(`POST /graphql answered ${res.status} with non-JSON: ${text.slice(0, 500)}`);
      }
    },
  };
}

async function waitForHealth(baseUrl: string, alive: () => boolean, timeoutMs: number): Promise<void> {
  const healthy = async () => {
    try {
      return (await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2_000) })).ok;
    } catch {
      return false; // not listening yet
    }
  };
  await until(healthy, alive, timeoutMs, `GET ${baseUrl}/healthz did not answer 200 within ${timeoutMs} ms`);
}

async function until(done: () => boolean | Promise<boolean>, alive: () => boolean, timeoutMs: number, failure: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!alive()) throw new Error('The server exited while starting');
    if (await done()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(failure);
}
