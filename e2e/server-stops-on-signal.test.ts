import { connect } from 'node:net';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { adminUrl, withDatabase } from '../server/src/test/databases.js';
import { startSystem, type System } from './support/system.js';
import { untilServerHasRead } from './support/tcp.js';
import { confirmFromOutbox } from './support/applicants.js';

/**
 * A deploy or a restart: the orchestrator sends the running server SIGTERM (SIGINT from a
 * terminal) and waits its grace period (10 s is the usual one) before it kills. The server is in
 * production mode (Apollo installs its own signal handlers there, not under NODE_ENV=test), and
 * its click log flushes only once a minute, so the shutdown alone must write the clicks.
 */
const PRODUCTION = {
  NODE_ENV: 'production',
  CLICK_IP_SECRET: 'e2e-click-ip-secret-e2e-click-ip-secret',
  STRIPE_EMULATOR: 'true',
  CLICK_FLUSH_MS: '60000',
  CLICK_BATCH_SIZE: '10000',
};
const CLICKS = 200;
/** Generous, against the orchestrator's 10 s; the measured time is printed. */
const STOP_BOUND_MS = 8_000;

async function shareCode(system: System): Promise<string> {
  const gql = async <T>(query: string, variables: Record<string, unknown>, headers: Record<string, string> = {}) => {
    const res = await system.graphql<T>(query, variables, headers);
    if (res.errors || !res.data) throw new Error(JSON.stringify(res.errors));
    return res.data;
  };
  const { signIn } = await gql<{ signIn: { token: string } }>(
    `mutation ($email: String!, $password: String!) { signIn(email: $email, password: $password) { token } }`,
    system.admin,
  );
  const owner = { authorization: `Bearer ${signIn.token}` };
  await gql(
    `mutation ($input: CampaignInput!) { createCampaign(input: $input) { id } }`,
    { input: { name: 'Deploy day', slug: 'deploy', destinationUrl: 'https://shop.example/', currency: 'USD', commission: { type: 'FLAT', amountMinor: 100 } } },
    owner,
  );
  const { submitApplication } = await gql<{ submitApplication: { id: string } }>(
    `mutation ($input: SubmitApplicationInput!) { submitApplication(input: $input) { id } }`,
    { input: { campaignSlug: 'deploy', email: 'ada@creators.example', name: 'Ada', password: 'ada-portal-password', answers: [] } },
  );
  await confirmFromOutbox(system, 'ada@creators.example');
  const { reviewApplications } = await gql<{ reviewApplications: { results: { enrollment: { shareUrl: string } }[] } }>(
    `mutation ($input: ReviewApplicationsInput!) { reviewApplications(input: $input) { results { enrollment { shareUrl } } } }`,
    { input: { ids: [submitApplication.id], decision: 'APPROVE' } },
    owner,
  );
  return new URL(reviewApplications.results[0]!.enrollment.shareUrl).pathname.split('/').pop()!;
}

/**
 * A request still arriving when the signal comes (`sent` now, `rest` on `finish()`): in flight,
 * so the shutdown must wait for it. `finish()` resolves with the raw answer once the server has
 * closed the connection. It resolves once the server has read what was sent, so that the signal
 * finds the request begun.
 */
async function startRequest(baseUrl: string, sent: string, rest: string): Promise<{ finish(): Promise<string> }> {
  const { hostname, port } = new URL(baseUrl);
  const socket = connect(Number(port), hostname);
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  let answer = '';
  socket.on('data', (chunk) => (answer += chunk.toString('utf8')));
  // Settled, not rejected, until finish() is awaited: an early reset surfaces there, in the test.
  const ended = new Promise<Error | undefined>((resolve) => {
    socket.once('close', () => resolve(undefined));
    socket.on('error', (error) => resolve(error));
  });
  socket.write(sent.replaceAll('\n', '\r\n'));
  await untilServerHasRead(socket, Number(port));
  return {
    async finish() {
      socket.write(rest.replaceAll('\n', '\r\n'));
      const error = await ended;
      if (error) throw new Error(`the connection failed after ${JSON.stringify(answer)}: ${error.message}`);
      return answer;
    },
  };
}

/** Resolves once the server no longer accepts connections: its shutdown has begun. */
async function untilRefused(baseUrl: string): Promise<void> {
  const { hostname, port } = new URL(baseUrl);
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 20))) {
    const refused = await new Promise<boolean>((resolve) => {
      const s = connect(Number(port), hostname);
      s.once('connect', () => {
        s.destroy();
        resolve(false);
      });
      s.once('error', () => resolve(true));
    });
    if (refused) return;
  }
  throw new Error('the server kept accepting connections after the signal');
}

describe('the orchestrator stops the server with a signal', () => {
  let system: System | undefined;
  afterEach(async () => {
    await system?.stop();
    system = undefined;
  });

  for (const signals of [['SIGTERM'], ['SIGINT'], ['SIGTERM', 'SIGINT']] as NodeJS.Signals[][]) {
    const title =
      signals.length === 1
        ? `${signals[0]}: every click is stored, the requests in flight are answered, and the server exits with 0 well within the grace period`
        : `${signals.join(' then ')} during the shutdown: the second signal loses nothing either`;
    it(title, async () => {
      system = await startSystem({ name: `stops on ${signals.join(' ')}`, env: PRODUCTION });
      const code = await shareCode(system);

      const served = await Promise.all(
        Array.from({ length: CLICKS }, (_, i) => fetch(`${system!.baseUrl}/r/${code}?utm_content=c${i}`, { redirect: 'manual' })),
      );
      expect(served.map((r) => r.status)).toEqual(Array(CLICKS).fill(302));
      // A click whose request line has arrived but not the end of its headers, and a GraphQL
      // query whose handler is already reading its body.
      const click = await startRequest(system.baseUrl, `GET /r/${code}?utm_content=in-flight HTTP/1.1\nHost: shop\nUser-Agent: e2e\n`, '\n');
      const body = JSON.stringify({ query: '{ __typename }' });
      const query = await startRequest(
        system.baseUrl,
        `POST /graphql HTTP/1.1\nHost: shop\nContent-Type: application/json\nContent-Length: ${Buffer.byteLength(body)}\n\n${body.slice(0, 5)}`,
        body.slice(5),
      );

      const signalledAt = performance.now();
      system.signal(signals[0]!);
      await untilRefused(system.baseUrl);
      for (const later of signals.slice(1)) system.signal(later);
      const [clicked, queried] = [await click.finish(), await query.finish()];
      const exitCode = await system.exited;
      const stoppedInMs = performance.now() - signalledAt;
      console.log(`${signals.join(' + ')}: stopped in ${Math.round(stoppedInMs)} ms`);

      expect(clicked, 'the click in flight is answered, and its connection closed').toMatch(/^HTTP\/1\.1 302 [^]*\r\nconnection: close\r\n/i);
      expect(queried, 'the query in flight is answered').toMatch(/^HTTP\/1\.1 200 [^]*\r\n\r\n\{"data":\{"__typename":"Query"\}\}/);
      expect(exitCode, system.logTail()).toBe(0);
      expect(stoppedInMs).toBeLessThan(STOP_BOUND_MS);
      const db = new pg.Client({ connectionString: withDatabase(adminUrl(), system.databaseName) });
      await db.connect();
      try {
        const { rows } = await db.query<{ n: number }>(`select count(*)::int as n from click where utm_content = 'in-flight' or utm_content like 'c%'`);
        expect(rows[0]!.n).toBe(CLICKS + 1);
      } finally {
        await db.end();
      }
    });
  }
});
