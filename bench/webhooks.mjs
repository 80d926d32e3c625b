// Outgoing webhooks: a burst of 10,000 events for two subscribed endpoints on a local receiver
// (a child process), each delivery counted by webhook-id; then the order path's throughput with
// and without an endpoint subscribed to its commission events, alternated in the same run.
import { fork } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { confirmFromOutbox, freshDatabase, gql, postgres, postgresCpuSeconds, startServer } from './lib.mjs';

const EVENTS = Number(process.env.EVENTS ?? 10_000);
const DURATION = Number(process.env.DURATION ?? 8);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 32);
const ROUNDS = Number(process.env.ROUNDS ?? 6);
const AFFILIATES = 5;
const VISITORS = 20_000;

if (process.argv[2] === '--receiver') {
  // Child: counts each delivery by endpoint path and webhook-id.
  const seen = new Map();
  const perPath = {};
  let total = 0;
  let last = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const key = `${req.url} ${req.headers['webhook-id']}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
      perPath[req.url] = (perPath[req.url] ?? 0) + 1;
      total++;
      last = Date.now();
      res.writeHead(204).end();
    });
  });
  server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
  process.on('message', () => process.send({ total, unique: seen.size, duplicates: total - seen.size, last, perPath }));
} else if (process.argv[2] === '--load') {
  const { URL_, SECRET, MERCHANT, RUN } = process.env;
  let n = 0;
  const result = await autocannon({
    url: `${URL_}/webhooks/orders`,
    connections: CONNECTIONS,
    duration: DURATION,
    requests: [
      {
        method: 'POST',
        setupRequest(req) {
          const i = n++;
          const body = JSON.stringify({
            id: `evt_${RUN}_${i}`,
            type: 'order.created',
            order: {
              id: `ord_${RUN}_${i}`,
              amountMinor: 1000 + (i % 9000),
              currency: 'USD',
              occurredAt: new Date().toISOString(),
              visitorId: `v${i % VISITORS}`,
            },
          });
          const t = Math.floor(Date.now() / 1000);
          const sig = createHmac('sha256', SECRET).update(`${t}.${body}`).digest('hex');
          return { ...req, body, headers: { 'content-type': 'application/json', 'sorae-merchant': MERCHANT, 'sorae-signature': `t=${t},v1=${sig}` } };
        },
      },
    ],
  });
  process.send({ ok: result['2xx'], non2xx: result.non2xx, duration: result.duration });
  process.exit(0);
} else {
  await main();
}

async function main() {
  const receiver = fork(fileURLToPath(import.meta.url), ['--receiver']);
  const { port } = await new Promise((resolve) => receiver.once('message', resolve));
  const report = () =>
    new Promise((resolve) => {
      receiver.once('message', resolve);
      receiver.send('report');
    });
  const server = await postgres();
  const DB_NAME = 'sorae_bench_webhooks';
  const url = await freshDatabase(server.url, DB_NAME);
  // Production settings, but the receiver is on loopback.
  const app = await startServer(url, { WEBHOOK_ALLOW_LOOPBACK: 'true', WEBHOOK_POLL_MS: '50', WEBHOOK_CONCURRENCY: '32' });
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const { token } = (await gql(app.url, `mutation { signIn(email: "bench-owner@example.test", password: "bench-password") { token } }`)).data.signIn;
    const endpoint = async (path, events) => {
      const r = await gql(
        app.url,
        `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { endpoint { id } } }`,
        { input: { url: `http://127.0.0.1:${port}${path}`, events } },
        token,
      );
      if (!r.data) throw new Error(JSON.stringify(r.errors));
      return r.data.createWebhookEndpoint.endpoint.id;
    };
    const {
      rows: [{ id: merchantId }],
    } = await db.query('select id from merchant limit 1');

    // 1. The burst: EVENTS events in one statement, for two endpoints.
    const burstEndpoints = [await endpoint('/a', ['payout.posted']), await endpoint('/b', ['payout.posted'])];
    const started = Date.now();
    // Through the outbox port, as a set-based cause writes them: one INSERT…SELECT.
    const em = app.orm.em.fork();
    const events = Array.from({ length: EVENTS }, (_, n) => ({ merchantId, type: 'payout.posted', data: { n } }));
    await app.services.webhooks.enqueue((sql, params) => em.execute(sql, [...params]), events, new Date());
    const enqueuedMs = Date.now() - started;
    const expected = EVENTS * burstEndpoints.length;
    let r = await report();
    for (const deadline = Date.now() + 300_000; r.total < expected && Date.now() < deadline; r = await report())
      await new Promise((res) => setTimeout(res, 100));
    await new Promise((res) => setTimeout(res, 500));
    r = await report();
    const seconds = (r.last - started) / 1000;
    const {
      rows: [d],
    } = await db.query(
      `select count(*) filter (where status = 'SUCCEEDED')::int as ok, count(*)::int as all, max(attempts)::int as max_attempts from webhook_delivery`,
    );
    console.log(`burst: ${EVENTS} events × ${burstEndpoints.length} endpoints written in ${enqueuedMs} ms (one statement)`);
    console.log(
      `delivered: ${r.total} requests, ${r.unique} distinct (endpoint, webhook-id), ${r.duplicates} duplicates; ${d.ok}/${d.all} deliveries SUCCEEDED, max attempts ${d.max_attempts}`,
    );
    console.log(`delivery rate: ${(r.total / seconds).toFixed(0)} deliveries/s (${expected} in ${seconds.toFixed(2)} s, 32 in flight)`);
    const exactlyOnce = r.total === expected && r.unique === expected && d.ok === expected;
    console.log(`each event exactly once per endpoint: ${exactlyOnce ? 'yes' : 'NO'}`);
    for (const id of burstEndpoints) await gql(app.url, `mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }`, { id }, token);

    // 2. The order path, with and without an endpoint subscribed to what it causes (commission.created).
    const { id: campaignId, slug } = (
      await gql(
        app.url,
        `mutation($input: CampaignInput!) { createCampaign(input: $input) { id slug } }`,
        {
          input: {
            name: 'Bench',
            slug: 'bench-webhooks',
            destinationUrl: 'https://shop.example/',
            currency: 'USD',
            commission: { type: 'PERCENTAGE', rateBps: 1000 },
          },
        },
        token,
      )
    ).data.createCampaign;
    const ids = [];
    for (let i = 0; i < AFFILIATES; i++) {
      const { id } = (
        await gql(app.url, `mutation($input: SubmitApplicationInput!) { submitApplication(input: $input) { id } }`, {
          input: { campaignSlug: slug, email: `aff${i}@bench.example`, name: `Affiliate ${i}`, password: 'affiliate-pw', answers: [] },
        })
      ).data.submitApplication;
      await confirmFromOutbox(app.url, token, `aff${i}@bench.example`);
      ids.push(id);
    }
    await gql(
      app.url,
      `mutation($input: ReviewApplicationsInput!) { reviewApplications(input: $input) { approvedCount } }`,
      { input: { ids, decision: 'APPROVE' } },
      token,
    );
    const secret = (await gql(app.url, `mutation { rotateOrderWebhookSecret }`, {}, token)).data.rotateOrderWebhookSecret;
    await db.query(
      `insert into click (id, merchant_id, enrollment_id, affiliate_id, campaign_id, channel, occurred_at, ip_hash, visitor_id, is_bot)
       select gen_random_uuid(), $1, e.id, e.affiliate_id, e.campaign_id, 'AFFILIATE', now() - (g % 20) * interval '1 day', 'bench', 'v' || g, false
         from generate_series(0, $2 - 1) g
         join lateral (select * from enrollment where campaign_id = $3 order by id offset (g % ${AFFILIATES}) limit 1) e on true`,
      [merchantId, VISITORS, campaignId],
    );
    await db.query('vacuum analyze');
    const load = (run) =>
      new Promise((resolve, reject) => {
        const c = fork(fileURLToPath(import.meta.url), ['--load'], { env: { ...process.env, URL_: app.url, SECRET: secret, MERCHANT: merchantId, RUN: run } });
        c.on('message', resolve);
        c.on('exit', (code) => code && reject(new Error(`load generator exited with ${code}`)));
      });
    const rates = { without: [], with: [] };
    // CPU per order of the server (this process) and its PostgreSQL backends, during the load only.
    const cpu = { without: { server: 0, pg: 0, orders: 0 }, with: { server: 0, pg: 0, orders: 0 } };
    const drains = [];
    let subscribed = null;
    // A first load warms the server up (its figures are not counted); then the phase that goes first alternates by round.
    const warm = await load('warm');
    console.log(`warm-up: ${(warm.ok / warm.duration).toFixed(0)} orders/s (not counted)`);
    for (let round = 0; round < ROUNDS; round++) {
      for (const phase of round % 2 ? ['with', 'without'] : ['without', 'with']) {
        const path = `/orders-${round}`;
        if (phase === 'with') subscribed = await endpoint(path, ['commission.created', 'commission.updated']);
        // Each round starts from the same state: the last round's dead rows vacuumed and its WAL checkpointed now, not by autovacuum during this one.
        await db.query('vacuum analyze');
        await db.query('checkpoint');
        const cpu0 = { server: process.cpuUsage(), pg: postgresCpuSeconds(DB_NAME) };
        const l = await load(`${phase}${round}`);
        if (l.non2xx) throw new Error(`${l.non2xx} orders refused`);
        const serverUs = process.cpuUsage(cpu0.server);
        cpu[phase].server += (serverUs.user + serverUs.system) / 1e6;
        cpu[phase].pg += postgresCpuSeconds(DB_NAME) - cpu0.pg;
        cpu[phase].orders += l.ok;
        rates[phase].push(l.ok / l.duration);
        console.log(`orders/s ${phase} an endpoint subscribed (round ${round + 1}): ${(l.ok / l.duration).toFixed(0)}`);
        if (phase === 'with') {
          // What waited while the orders came is sent once they stop: every delivery, each once, before the next round.
          const stopped = Date.now();
          const pending = async () =>
            (
              await db.query(`select count(*) filter (where status = 'PENDING')::int as n, count(*)::int as all from webhook_delivery where endpoint_id = $1`, [
                subscribed,
              ])
            ).rows[0];
          let p = await pending();
          const backlog = p.n;
          for (const deadline = Date.now() + 300_000; p.n > 0 && Date.now() < deadline; p = await pending()) await new Promise((res) => setTimeout(res, 100));
          const drainedS = (Date.now() - stopped) / 1000;
          await new Promise((res) => setTimeout(res, 300));
          const received = (await report()).perPath[path] ?? 0;
          drains.push({ backlog, all: p.all, drainedS, received });
          const failures = (
            await db.query(
              `select coalesce(a.error, a.response_status::text) as why, count(*)::int as n from webhook_attempt a join webhook_delivery d on d.id = a.delivery_id
                where d.endpoint_id = $1 and (a.response_status is null or a.response_status >= 300) group by 1`,
              [subscribed],
            )
          ).rows;
          if (failures.length) console.log(`  failed attempts (retried): ${failures.map((f) => `${f.n}× ${f.why}`).join('; ')}`);
          console.log(
            `  its deliveries: ${p.all} (one per commission event), ${backlog} still waiting when the orders stopped, all sent ${drainedS.toFixed(1)} s later; received ${received} ${received === p.all && p.n === 0 ? '(each once)' : 'MISMATCH'}`,
          );
          await gql(app.url, `mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }`, { id: subscribed }, token);
        }
      }
    }
    const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
    // The median of the rounds' ratios: a round the shared machine slowed moves it least.
    const ratios = rates.with.map((w, i) => w / rates.without[i]).sort((a, b) => a - b);
    const ratio = ratios.length % 2 ? ratios[(ratios.length - 1) / 2] : (ratios[ratios.length / 2 - 1] + ratios[ratios.length / 2]) / 2;
    console.log(`rounds' ratios (with ÷ without): ${ratios.map((r) => r.toFixed(3)).join(', ')}`);
    console.log(
      `order path with an endpoint subscribed: ${(100 * ratio).toFixed(1)}% of the orders/s without (median of ${ROUNDS} rounds; means ${mean(rates.with).toFixed(0)} vs ${mean(rates.without).toFixed(0)}; target ≥ 95%) ${ratio >= 0.95 ? 'OK' : 'BELOW TARGET'}`,
    );
    for (const phase of ['without', 'with'])
      console.log(
        `CPU per order ${phase} an endpoint: server ${((1000 * cpu[phase].server) / cpu[phase].orders).toFixed(2)} ms, PostgreSQL ${((1000 * cpu[phase].pg) / cpu[phase].orders).toFixed(2)} ms`,
      );
    const allDelivered = drains.every((d) => d.received === d.all);
    console.log(`order-path deliveries each received once after the rounds: ${allDelivered ? 'yes' : 'NO'}`);
    if (!exactlyOnce || !allDelivered || ratio < 0.95) process.exitCode = 1;
  } finally {
    await db.end();
    await app.close();
    server.stop();
    receiver.kill();
  }
}
