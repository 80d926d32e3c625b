// Stripe renewals at once: 10,000 subscriptions of one merchant renew on the first of the month,
// so Stripe sends 10,000 `invoice.paid` events together. Target (issue 14): ≥ 1,000 events/s
// accepted end to end, every one a commission (sequence 2), none twice.
//
// Setup, all through the real paths: the Stripe emulator runs here, in the bench process, as the
// merchant's own Stripe account; the server (server/dist, production mode) runs as a child
// process against it (STRIPE_API_URL). The owner connects the account with its key over GraphQL
// (Sorae checks the key and creates the webhook endpoint through the SDK); a campaign pays 10%
// FOREVER; 20 approved affiliates; one click per subscription (seeded set-based). Each
// subscription is a Checkout Session completed in the emulator with the click as
// `client_reference_id`: its signed `checkout.session.completed` and first `invoice.paid` reach
// the server as Stripe sends them and accrue commission 1 (the seeding rate is printed too).
// Then the renewal: webhooks paused, every subscription renewed in the emulator (its next
// period's invoice, paid), and the 10,000 held `invoice.paid` events released at once, shuffled,
// by the emulator's own delivery (signed with the endpoint's secret, Stripe's wire format),
// timed until every commission row exists. Then replays: a sample of renewal events twice,
// reversed, and a sample of first-invoice events (both types) reversed; nothing may change.
// Quick run: SUBSCRIPTIONS=1000 npm run renewals -w @sorae/bench
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { startStripeEmulator } from '@sorae/stripe-emulator';
import pg from 'pg';
import { freePort } from '../scripts/free-port.mjs';
import {
  childServerEnv,
  untilHealthy,
  confirmFromOutbox,
  freshDatabase,
  gql,
  machineCpuSeconds,
  postgres,
  postgresCpuSeconds,
  processCpuSeconds,
} from './lib.mjs';

const SUBSCRIPTIONS = Number(process.env.SUBSCRIPTIONS ?? 10_000);
const AFFILIATES = 20;
/** Control calls to the emulator at once while seeding (checkouts, renewals). */
const SEED_CONCURRENCY = 16;
const REPLAYS = Math.min(1000, SUBSCRIPTIONS);
const PLAN_MINOR = 4900;
const DB_NAME = 'sorae_bench_renewals';

const server = await postgres();
const url = await freshDatabase(server.url, DB_NAME);
const emulatorDir = mkdtempSync(join(tmpdir(), 'sorae-bench-emulator-'));
// No rate limit: the control routes seed, and Sorae's calls back (first invoices) are the measured path's.
const emulator = await startStripeEmulator({ webhookSecret: 'whsec_bench_platform', rate: 0, dataDir: emulatorDir });
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const env = {
  ...childServerEnv({ port, databaseUrl: url, stripeApiUrl: emulator.url, webhookSecret: 'whsec_bench_platform' }),
  APPLY_LIMIT_PER_IP: '1000000',
};
// SERVER_NODE_ARGS: flags for the server's node, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile it.
const nodeArgs = process.env.SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
const child = spawn(process.execPath, [...nodeArgs, fileURLToPath(new URL('../server/dist/main.js', import.meta.url))], {
  env,
  stdio: ['ignore', 'ignore', 'inherit'],
});

const healthy = (timeoutMs) => untilHealthy(base, timeoutMs);

async function control(path, body = {}) {
  const res = await fetch(`${emulator.url}/_emulator/${path}`, { method: 'POST', body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** `fn(i)` for i < n, `limit` at a time. */
async function pool(n, limit, fn) {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < n) await fn(next++);
    }),
  );
}

/** Polls `query` (one row, column n) until it reaches `target`; the time it did, or throws after `timeoutS`. */
async function until(db, query, params, target, timeoutS) {
  const deadline = performance.now() + timeoutS * 1000;
  for (;;) {
    const {
      rows: [{ n }],
    } = await db.query(query, params);
    if (n >= target) return performance.now();
    if (performance.now() > deadline) throw new Error(`timed out at ${n} of ${target}: ${query}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Every delivery so far, once none is in flight or waiting for a retry. */
async function settledDeliveries() {
  await emulator.webhooksIdle();
  return (await (await fetch(`${emulator.url}/_emulator/events`)).json()).deliveries;
}

const COUNTS = `
  select (select count(*) from store_order where merchant_id = $1)::int as orders,
         (select count(*) from commission where merchant_id = $1)::int as commissions,
         (select count(*) from commission where merchant_id = $1 and sequence = 1)::int as first,
         (select count(*) from commission where merchant_id = $1 and sequence = 2)::int as second,
         (select coalesce(sum(amount_minor), 0)::bigint from commission where merchant_id = $1)::text as commission_sum,
         (select count(*) from (select 1 from commission where merchant_id = $1 group by subscription_id, sequence having count(*) > 1) d)::int as twice,
         (select count(*) from stripe_sales_event where merchant_id = $1)::int as events`;

const db = new pg.Client({ connectionString: url });
try {
  await healthy();
  await db.connect();
  const { token } = (await gql(base, `mutation { signIn(email: "bench-owner@example.test", password: "bench-password") { token } }`)).data.signIn;
  const { id: campaignId, slug } = (
    await gql(
      base,
      `mutation($input: CampaignInput!) { createCampaign(input: $input) { id slug } }`,
      {
        input: {
          name: 'Bench renewals',
          slug: 'bench-renewals',
          destinationUrl: 'https://shop.example/',
          currency: 'USD',
          commission: { type: 'PERCENTAGE', rateBps: 1000, duration: 'FOREVER' },
        },
      },
      token,
    )
  ).data.createCampaign;
  const ids = [];
  for (let i = 0; i < AFFILIATES; i++) {
    const { id } = (
      await gql(base, `mutation($input: SubmitApplicationInput!) { submitApplication(input: $input) { id } }`, {
        input: { campaignSlug: slug, email: `aff${i}@bench.example`, name: `Affiliate ${i}`, password: 'affiliate-pw', answers: [] },
      })
    ).data.submitApplication;
    await confirmFromOutbox(base, token, `aff${i}@bench.example`);
    ids.push(id);
  }
  await gql(
    base,
    `mutation($input: ReviewApplicationsInput!) { reviewApplications(input: $input) { approvedCount } }`,
    { input: { ids, decision: 'APPROVE' } },
    token,
  );
  const {
    rows: [{ merchant_id: merchantId }],
  } = await db.query('select merchant_id from campaign where id = $1', [campaignId]);

  // The merchant's Stripe account, connected as an owner does: its key pasted into Settings.
  const account = await control('accounts', { type: 'standard' });
  const connected = (await gql(base, `mutation($k: String!) { connectStripeSales(apiKey: $k) { status accountId } }`, { k: account.secret_key }, token)).data
    .connectStripeSales;
  if (connected.status !== 'CONNECTED') throw new Error(`Stripe sales: ${JSON.stringify(connected)}`);

  // One click per subscription in the last week, across the affiliates (set-based).
  const { rows: clicks } = await db.query(
    `insert into click (id, merchant_id, enrollment_id, affiliate_id, campaign_id, channel, occurred_at, ip_hash, visitor_id, is_bot)
     select gen_random_uuid(), $1, e.id, e.affiliate_id, e.campaign_id, 'AFFILIATE', now() - (g % 7) * interval '1 day' - interval '1 hour', 'bench', 'v' || g, false
       from generate_series(0, $2 - 1) g
       join lateral (select * from enrollment where campaign_id = $3 order by id offset (g % ${AFFILIATES}) limit 1) e on true
     returning id`,
    [merchantId, SUBSCRIPTIONS, campaignId],
  );
  await db.query('vacuum analyze');

  // Subscriptions: Checkout Sessions completed in the account; their events accrue commission 1.
  let t0 = performance.now();
  const subscriptions = new Array(SUBSCRIPTIONS);
  await pool(SUBSCRIPTIONS, SEED_CONCURRENCY, async (i) => {
    const done = await control('sales/checkout', {
      account: account.id,
      mode: 'subscription',
      amount: PLAN_MINOR,
      currency: 'usd',
      client_reference_id: clicks[i].id,
      customer_email: `customer${i}@shop.example`,
    });
    subscriptions[i] = done.subscription;
  });
  const checkoutS = (performance.now() - t0) / 1000;
  // Stripe retries a failed delivery for days, the emulator three times in 5 s: events whose
  // deliveries all failed (timeouts on a loaded machine) are sent again until each is answered.
  for (;;) {
    const deliveries = await settledDeliveries();
    const answered = new Set(deliveries.filter((d) => d.status >= 200 && d.status < 300).map((d) => d.eventId));
    const failed = [...new Set(deliveries.map((d) => d.eventId))].filter((id) => !answered.has(id));
    if (!failed.length) break;
    console.log(`  ${failed.length} first-invoice events undelivered after the emulator's retries: sent again`);
    await control('webhooks/redeliver', { ids: failed });
  }
  const seededAt = await until(db, `select count(*)::int as n from stripe_sales_event where merchant_id = $1`, [merchantId], 2 * SUBSCRIPTIONS, 60);
  const seedS = (seededAt - t0) / 1000;
  const firstDeliveries = (await settledDeliveries()).length;
  const seeded = (await db.query(COUNTS, [merchantId])).rows[0];
  console.log(
    `seeded ${SUBSCRIPTIONS} subscriptions through Checkout in ${seedS.toFixed(1)} s (${((2 * SUBSCRIPTIONS) / seedS).toFixed(0)} first-invoice events/s, checkouts done at ${checkoutS.toFixed(1)} s): ${JSON.stringify(seeded)}`,
  );
  if (seeded.first !== SUBSCRIPTIONS) throw new Error(`expected ${SUBSCRIPTIONS} first commissions`);

  // The first of the month: every subscription renews; Stripe sends the invoices' events together.
  // A month has passed since these sales: autovacuum has long analyzed what they wrote (the
  // planner would otherwise see the tables as they were before seeding, and scan them).
  await db.query('vacuum analyze');
  await control('webhooks/pause');
  await pool(SUBSCRIPTIONS, SEED_CONCURRENCY, async (i) => {
    await control(`sales/subscriptions/${subscriptions[i]}/renew`);
  });
  const { data: allEvents, held } = await (await fetch(`${emulator.url}/_emulator/events`)).json();
  if (held !== SUBSCRIPTIONS) throw new Error(`expected ${SUBSCRIPTIONS} held invoice.paid events, got ${held}`);
  const renewalEvents = allEvents.filter((e) => e.type === 'invoice.paid' && e.data.object.billing_reason === 'subscription_cycle').map((e) => e.id);
  const firstEvents = allEvents
    .filter((e) => e.type === 'checkout.session.completed' || (e.type === 'invoice.paid' && e.data.object.billing_reason === 'subscription_create'))
    .map((e) => e.id);
  await new Promise((r) => setTimeout(r, 1000)); // the renewals' journal writes settle before the clock starts

  const load = (await import('node:os')).loadavg();
  // The emulator delivers from this process (on Stripe, the load generator is not on our machine).
  const cpu0 = { server: processCpuSeconds(child.pid), pg: postgresCpuSeconds(DB_NAME), machine: machineCpuSeconds(), bench: process.cpuUsage() };
  t0 = performance.now();
  await control('webhooks/resume', { order: 'shuffle' });
  const doneAt = await until(db, `select count(*)::int as n from commission where merchant_id = $1 and sequence = 2`, [merchantId], SUBSCRIPTIONS, 600);
  const renewS = (doneAt - t0) / 1000;
  const cpu1 = { server: processCpuSeconds(child.pid), pg: postgresCpuSeconds(DB_NAME), machine: machineCpuSeconds(), bench: process.cpuUsage(cpu0.bench) };
  const deliveries = (await settledDeliveries()).slice(firstDeliveries);
  const renewed = (await db.query(COUNTS, [merchantId])).rows[0];
  const failedAttempts = deliveries.filter((d) => d.status === null || d.status >= 300).length;

  // Stripe redelivers: a sample of renewals twice (reversed), and first-invoice events out of order.
  const sample = renewalEvents.slice(0, REPLAYS);
  const before = deliveries.length + firstDeliveries;
  await control('webhooks/redeliver', { ids: sample, times: 2, order: 'reverse' });
  await control('webhooks/redeliver', { ids: firstEvents.slice(0, 2 * REPLAYS), order: 'reverse' });
  const replayed = (await settledDeliveries()).slice(before);
  const after = (await db.query(COUNTS, [merchantId])).rows[0];

  const rate = SUBSCRIPTIONS / renewS;
  const serverCpu = cpu1.server - cpu0.server;
  const pgCpu = cpu1.pg - cpu0.pg;
  const machineBusy = (cpu1.machine.busy - cpu0.machine.busy) / Math.max(cpu1.machine.total - cpu0.machine.total, 1e-9);
  console.log(`renewals: ${JSON.stringify(renewed)}`);
  console.log(
    `\ninvoice.paid renewals/s end to end (release until the last commission row): ${rate.toFixed(0)} (${SUBSCRIPTIONS} in ${renewS.toFixed(2)} s; target ≥ 1000) ${rate >= 1000 ? 'OK' : 'BELOW TARGET'}`,
  );
  console.log(
    `server CPU per event ${((serverCpu * 1000) / SUBSCRIPTIONS).toFixed(2)} ms, PostgreSQL backends ${((pgCpu * 1000) / SUBSCRIPTIONS).toFixed(2)} ms; machine ${(machineBusy * 100).toFixed(0)}% busy during the run; load average before ${load.map((l) => l.toFixed(1)).join(' ')}`,
  );
  console.log(
    `emulator (bench process) CPU per event ${((cpu1.bench.user + cpu1.bench.system) / 1000 / SUBSCRIPTIONS).toFixed(2)} ms (signing and posting the deliveries, polling the count)`,
  );
  console.log(`deliveries not answered 2xx (retried by the emulator): ${failedAttempts}`);
  const exact = renewed.second === SUBSCRIPTIONS && renewed.commissions === 2 * SUBSCRIPTIONS && renewed.twice === 0;
  const unchanged = ['orders', 'commissions', 'first', 'second', 'commission_sum', 'events', 'twice'].every((k) => after[k] === renewed[k]);
  // A redelivery that timed out is retried by the emulator: what counts is that each was answered 200 once.
  const replaysOk = replayed.filter((d) => d.status === 200).length === 4 * REPLAYS;
  const statuses = {};
  for (const d of replayed) statuses[d.status ?? d.error] = (statuses[d.status ?? d.error] ?? 0) + 1;
  console.log(`exactly ${SUBSCRIPTIONS} new commissions with sequence 2, none twice: ${exact ? 'yes' : 'NO'}`);
  console.log(
    `replays (${REPLAYS} renewals twice, reversed; ${2 * REPLAYS} first-invoice events reversed) changed nothing: ${unchanged && replaysOk ? 'yes' : 'NO'} (answers ${JSON.stringify(statuses)}; ${JSON.stringify(after)})`,
  );
  if (!exact || !unchanged || !replaysOk || rate < 1000) process.exitCode = 1;
} finally {
  child.kill('SIGTERM');
  await db.end().catch(() => {});
  await emulator.close();
  rmSync(emulatorDir, { recursive: true, force: true });
  server.stop();
}
