import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { createApp, type App } from '../app.js';
import { loadConfig } from '../config.js';
import { createLogger, type Logger } from '../logger.js';
import { lockedToTenant } from '../modules/tenancy.js';
import { OperatorRole } from '../modules/auth/index.js';
import { adminUrl, createDatabase, dropDatabase, withDatabase } from './databases.js';

export interface GqlResult<T = Record<string, any>> {
  data?: T;
  errors?: {
    message: string;
    path?: (string | number)[];
    extensions?: { code?: string; fieldErrors?: Record<string, string>; requestId?: string; retryAfterSeconds?: number };
  }[];
  status: number;
  statements: number;
  headers: Headers;
}

export interface TestApp extends App {
  gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, token?: string): Promise<GqlResult<T>>;
  /** A fresh merchant with a signed-in owner; tests create their own so they never collide. */
  newMerchant(name?: string): Promise<{ merchantId: string; token: string; email: string }>;
  /** An operator with a role in a merchant, signed in. */
  newOperator(merchantId: string, role: OperatorRole): Promise<{ token: string; email: string }>;
  /** An EntityManager scoped to one merchant, for arranging and asserting directly. */
  emFor(merchantId: string): App['orm']['em'];
  /** Writes every click this process has served so far and adds them to analytics' figures, so a test can count them without waiting a flush or a rollup interval. */
  flushClicks(): Promise<void>;
  /** Stops the server gracefully and starts it again on the same database and DATA_DIR. */
  restart(): Promise<TestApp>;
  /** An affiliate of the owner's merchant, as one becomes: a campaign, an application, its emailed link opened (signed in). */
  newAffiliate(ownerToken: string, password: string): Promise<{ email: string; token: string }>;
  /** The token of the latest confirmation link emailed to an applicant (read from the outbox). */
  confirmationToken(email: string): Promise<string>;
  /**
   * Opens the latest confirmation link emailed to an applicant, as the applicant does (with the
   * account's password when the email has one): the application is recorded and signed in.
   */
  confirmApplication(email: string, password?: string): Promise<{ passwordRequired: boolean; token: string | null; application: { id: string } | null }>;
}

/**
 * Resolves once some connection to the test's database waits on a lock, so a test holding a
 * transaction open knows the concurrent request has reached the wait (a fixed sleep does not, on
 * a busy machine). PGlite serves one connection at a time: there the request queues behind the
 * transaction and cannot be observed, so this only gives it time to get there.
 */
export async function untilWaitingOnLock(app: App): Promise<void> {
  if (!inject('templateDatabase')) return new Promise((resolve) => setTimeout(resolve, 300));
  const waiting = async () =>
    (
      await app.orm.em
        .getConnection()
        .execute<{ n: number }[]>(`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`)
    )[0]!.n > 0;
  for (const deadline = Date.now() + 10_000; !(await waiting()); await new Promise((r) => setTimeout(r, 10))) {
    if (Date.now() > deadline) throw new Error('no connection began waiting on a lock within 10 s');
  }
}

/** Tests seal secrets with a fixed key (no key file written under DATA_DIR). */
export const TEST_SECRETS_KEY = 'sorae-test-secrets-key-not-for-production';

let counter = 0;
export const uniq = (prefix: string) => `${prefix}${Date.now().toString(36)}${(counter++).toString(36)}${Math.random().toString(36).slice(2, 6)}`;

export interface TestAppOptions {
  /**
   * Run on the embedded database exactly as `npm start` does (no DATABASE_URL: PGlite in the
   * app's DATA_DIR), even when the suite has a PostgreSQL server; without one, every test does.
   */
  embedded?: boolean;
  /** Where the server logs (the test's level otherwise). */
  log?: Logger;
}

/**
 * The whole server on its own database and its own DATA_DIR (a temporary directory, so the
 * Stripe emulators of parallel tests never share their state), on a free port.
 */
export async function startTestApp(env: Record<string, string> = {}, clock?: () => Date, options: TestAppOptions = {}): Promise<TestApp> {
  let database: Record<string, string> = {};
  let dropDb = async () => {};
  const template = inject('templateDatabase');
  if (template && !options.embedded) {
    const name = await createDatabase('sorae_test', template);
    database = { DATABASE_URL: withDatabase(adminUrl(), name) };
    dropDb = () => dropDatabase(name);
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'sorae-test-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    // A free port even when a test runs in another mode (whose default is 12111: parallel files collide).
    STRIPE_EMULATOR_PORT: '0',
    ...database,
    ADMIN_EMAIL: `${uniq('owner')}@example.test`,
    ADMIN_PASSWORD: 'bootstrap-password',
    PASSWORD_HASH_COST: '10',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DB_POOL_MAX: '10',
    SECRETS_KEY: TEST_SECRETS_KEY,
    // Every test request comes from one address: limits are tested on their own.
    SIGNIN_LIMIT_PER_IP: '1000000',
    SIGNIN_LIMIT_PER_EMAIL: '1000000',
    APPLY_LIMIT_PER_IP: '1000000',
    APPLY_LIMIT_PER_EMAIL: '1000000',
    // Tests move their clocks by days and keep their tokens: the idle timeout is tested on its own.
    SESSION_IDLE_MINUTES: String(60 * 24 * 90),
    ...env,
  });
  return wrap(await createApp({ config, log: options.log ?? createLogger(config.logLevel), clock }), clock, async () => {
    await dropDb();
    rmSync(dataDir, { recursive: true, force: true });
  });
}

function wrap(app: App, clock: (() => Date) | undefined, cleanUp: () => Promise<void>): TestApp {
  const gql: TestApp['gql'] = async (query, variables, token) => {
    const res = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: any; errors?: any };
    return { ...body, status: res.status, statements: Number(res.headers.get('x-sql-statements')), headers: res.headers };
  };

  const signIn = async (email: string, password: string) => {
    const r = await gql<{ signIn: { token: string } }>(`mutation($e:String!,$p:String!){ signIn(email:$e,password:$p){ token } }`, { e: email, p: password });
    if (!r.data) throw new Error(`sign-in failed: ${JSON.stringify(r.errors)}`);
    return r.data.signIn.token;
  };

  return {
    ...app,
    gql,
    async newMerchant(name = uniq('Merchant ')) {
      const email = `${uniq('owner')}@example.test`;
      const merchant = await app.services.auth.createMerchant(app.orm.em.fork(), { merchantName: name, email, password: 'owner-password', name: 'Owner' });
      return { merchantId: merchant.id, email, token: await signIn(email, 'owner-password') };
    },
    async newOperator(merchantId, role) {
      const email = `${uniq(role.toLowerCase())}@example.test`;
      await app.services.auth.addOperator(app.orm.em.fork(), merchantId, { email, name: role, password: 'operator-password', role });
      return { email, token: await signIn(email, 'operator-password') };
    },
    emFor(merchantId) {
      return lockedToTenant(app.orm.em, merchantId);
    },
    async flushClicks() {
      await app.services.traffic.clicks.sync();
      await app.services.rollups.catchUp(app.orm.em.fork());
    },
    async newAffiliate(ownerToken, password) {
      const slug = uniq('c');
      await gql(
        `mutation($i:CampaignInput!){ createCampaign(input:$i){ id } }`,
        { i: { name: slug, slug, destinationUrl: 'https://shop.example/', currency: 'USD', commission: { type: 'FLAT', amountMinor: 100 } } },
        ownerToken,
      );
      const email = `${uniq('ava')}@creators.example`;
      await gql(`mutation($i:SubmitApplicationInput!){ submitApplication(input:$i){ id } }`, {
        i: { campaignSlug: slug, email, name: 'Ava', password, answers: [] },
      });
      return { email, token: (await this.confirmApplication(email)).token! };
    },
    async confirmationToken(email) {
      const [row] = await app.orm.em
        .fork()
        .execute<{ text: string }[]>(`select text from mail_message where to_address = ? and kind = 'applicationReceived' order by id desc limit 1`, [email]);
      const token = row?.text.match(/\/portal\/confirm#(\S+)/)?.[1];
      if (!token) throw new Error(`no confirmation link was emailed to ${email}`);
      return token;
    },
    async confirmApplication(email, password) {
      const r = await gql<{ confirmApplication: { passwordRequired: boolean; token: string | null; application: { id: string } | null } }>(
        `mutation($t: String!, $p: String) { confirmApplication(token: $t, password: $p) { passwordRequired token application { id } } }`,
        { t: await this.confirmationToken(email), p: password },
      );
      if (!r.data) throw new Error(`confirmApplication failed: ${JSON.stringify(r.errors)}`);
      return r.data.confirmApplication;
    },
    async restart() {
      await app.close();
      return wrap(await createApp({ config: app.config, log: createLogger(app.config.logLevel), clock }), clock, cleanUp);
    },
    async close() {
      await app.close();
      await cleanUp();
    },
  };
}
