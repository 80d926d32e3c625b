// Payouts at scale. (1) Build a batch for 10k affiliates over 1M FINALIZED commissions (seeded
// set-based), target ≤ 10 s. (2) Execute its 10k transfers against the Stripe emulator at the
// configured pace (PAYOUT_RATE_PER_SECOND, default 25/s → 400 s) within 10%, with one kill -9
// of the server mid-batch and a restart that resumes it; then 0 duplicate transfers.
// The server runs as a child process (so it can be killed); the emulator runs here, in the
// bench process, so Stripe's state (transfers, idempotency keys) survives the kill like Stripe's would;
// it keeps that state on disk as the demo's does (journal, one fdatasync per group of answers).
// Amounts are 10–399 minor units; the batch total is a SafeInt, so it may pass 2^31.
// Quick run: AFFILIATES=500 COMMISSIONS=50000 npm run payouts -w @sorae/bench
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { startStripeEmulator } from '@sorae/stripe-emulator';
import pg from 'pg';
import { freePort } from '../scripts/free-port.mjs';
import { childServerEnv, untilHealthy, freshDatabase, gql, postgres } from './lib.mjs';

const AFFILIATES = Number(process.env.AFFILIATES ?? 10_000);
const COMMISSIONS = Number(process.env.COMMISSIONS ?? 1_000_000);
const RATE = Number(process.env.PAYOUT_RATE_PER_SECOND ?? 25);
const EMULATOR_RATE = Number(process.env.STRIPE_EMULATOR_RATE ?? 25);
const KILL_AT = Number(process.env.KILL_AT ?? 0.5); // fraction posted when the server is killed
const WHSEC = 'whsec_bench_payouts_secret';

const server = await postgres();
const url = await freshDatabase(server.url, 'sorae_bench_payouts');
const emulatorDir = mkdtempSync(join(tmpdir(), 'sorae-bench-emulator-'));
const emulator = await startStripeEmulator({ webhookSecret: WHSEC, rate: 0, initialBalance: { usd: 1e14 }, dataDir: emulatorDir });
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const mainJs = fileURLToPath(new URL('../server/dist/main.js', import.meta.url));
const env = {
  ...childServerEnv({ port, databaseUrl: url, stripeApiUrl: emulator.url, webhookSecret: WHSEC }),
  PAYOUT_RATE_PER_SECOND: String(RATE),
};

let child;
function startChild() {
  child = spawn(process.execPath, [mainJs], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  return child;
}
const healthy = (timeoutMs) => untilHealthy(base, timeoutMs);

const db = new pg.Client({ connectionString: url });
try {
  startChild();
  await healthy();
  await db.connect();
  const { token } = (await gql(base, `mutation { signIn(email: "bench-owner@example.test", password: "bench-password") { token } }`)).data.signIn;
  const { id: campaignId } = (
    await gql(
      base,
      `mutation($input: CampaignInput!) { createCampaign(input: $input) { id } }`,
      {
        input: {
          name: 'Bench payouts',
          slug: 'bench-payouts',
          destinationUrl: 'https://shop.example/',
          currency: 'USD',
          commission: { type: 'FLAT', amountMinor: 500 },
        },
      },
      token,
    )
  ).data.createCampaign;
  const {
    rows: [{ merchant_id: merchantId }],
  } = await db.query('select merchant_id from campaign where id = $1', [campaignId]);

  // Connected accounts in the emulator (no limit while seeding), enabled through its control surface.
  let t0 = performance.now();
  const accounts = new Array(AFFILIATES);
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < AFFILIATES) {
        const i = next++;
        const res = await fetch(`${emulator.url}/v1/accounts`, {
          method: 'POST',
          headers: { authorization: 'Bearer sk_test_bench', 'content-type': 'application/x-www-form-urlencoded' },
          body: 'type=express&capabilities[transfers][requested]=true',
        });
        const a = await res.json();
        await fetch(`${emulator.url}/_emulator/accounts/${a.id}/enable`, { method: 'POST', body: '{}' });
        accounts[i] = a.id;
      }
    }),
  );
  console.log(`${AFFILIATES} connected accounts in the emulator in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  // Affiliates, their payout accounts and FINALIZED commissions, set-based; commission ids are
  // UUIDv7-shaped (time-ordered), as the server makes them. The commissions'
  // orders, conversions and enrollments are not what this measures: foreign-key triggers are
  // off for the seeding session only (session_replication_role), so they can be left out.
  t0 = performance.now();
  await db.query(
    `
    insert into affiliate (id, merchant_id, email, name, password_hash, created_at)
    select gen_random_uuid(), $1, 'payee' || g || '@bench.example', 'Payee ' || g, 'scrypt$10$8$1$x$y', now() from generate_series(1, $2) g`,
    [merchantId, AFFILIATES],
  );
  await db.query(
    `
    insert into payout_account (id, merchant_id, affiliate_id, stripe_account_id, generation, status, payouts_enabled, transfers_active, details_submitted, created_at, updated_at)
    select gen_random_uuid(), $1, a.id, acct, 1, 'ENABLED', true, true, true, now(), now()
      from (select id, row_number() over (order by id) as n from affiliate where merchant_id = $1) a
      join unnest($2::text[]) with ordinality as x(acct, n) on x.n = a.n`,
    [merchantId, accounts],
  );
  await db.query('begin');
  await db.query(`set local session_replication_role = replica`);
  await db.query(
    `
    insert into commission (id, merchant_id, conversion_id, enrollment_id, affiliate_id, campaign_id, currency, original_amount_minor, amount_minor, status, finalized_at, created_at)
    select (lpad(to_hex(ms + a.n * $3 + g), 12, '0') || '7' || substr(h, 1, 3) || '8' || substr(h, 4, 15))::uuid,
           $1, gen_random_uuid(), gen_random_uuid(), a.id, $2, 'USD', amt, amt, 'FINALIZED', now(), now()
      from (select id, row_number() over (order by id) - 1 as n, (extract(epoch from now()) * 1000)::bigint - 100000000 as ms
              from affiliate where merchant_id = $1) a
      join lateral (select g, 10 + ((g * 7919 + a.n) % 390) as amt, md5(a.id::text || g) as h from generate_series(1, $3::int) g) c on true`,
    [merchantId, campaignId, Math.ceil(COMMISSIONS / AFFILIATES)],
  );
  await db.query('commit');
  await db.query('vacuum analyze');
  const {
    rows: [{ n: seeded }],
  } = await db.query(`select count(*)::int as n from commission where campaign_id = $1`, [campaignId]);
  console.log(`seeded ${AFFILIATES} affiliates with payout accounts and ${seeded} finalized commissions in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  // (1) The batch.
  t0 = performance.now();
  const batch = (
    await gql(
      base,
      `mutation($input: CreatePayoutBatchInput!) { createPayoutBatch(input: $input) { id totalMinor items { totalCount } skipped { reason } } }`,
      { input: { campaignId, period: '2026-10' } },
      token,
    )
  ).data.createPayoutBatch;
  const buildS = (performance.now() - t0) / 1000;
  const {
    rows: [{ expected }],
  } = await db.query(`select sum(amount_minor)::bigint as expected from commission where campaign_id = $1`, [campaignId]);
  console.log(
    `batch: ${batch.items.totalCount} items over ${seeded} commissions, total ${batch.totalMinor} (commissions ${expected}), built in ${buildS.toFixed(2)} s (target ≤ 10 s)`,
  );

  if (process.env.PHASES === 'build') {
    process.exitCode = buildS <= 10 ? 0 : 1;
    throw Object.assign(new Error('build only'), { quiet: true });
  }
  // (2) Execution at the configured pace, against Stripe's limit, with one kill -9 and a resume.
  emulator.setRate(EMULATOR_RATE);
  emulator.setWebhookUrl(`${base}/webhooks/stripe`);
  const items = batch.items.totalCount;
  const PROGRESS = `query($id: ID!) { payoutBatch(id: $id) { status progress { pending posted failed } } }`;
  t0 = performance.now();
  await gql(base, `mutation($id: ID!) { executePayoutBatch(id: $id) { status } }`, { id: batch.id }, token);
  let killed = null;
  let final;
  for (;;) {
    await new Promise((r) => setTimeout(r, 1000));
    let p;
    try {
      p = (await gql(base, PROGRESS, { id: batch.id }, token)).data.payoutBatch;
    } catch {
      continue; // restarting
    }
    const elapsed = (performance.now() - t0) / 1000;
    if (Math.round(elapsed) % 20 === 0) console.log(`  ${elapsed.toFixed(0)} s: ${JSON.stringify(p.progress)}`);
    if (!killed && p.progress.posted >= items * KILL_AT) {
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      const at = (performance.now() - t0) / 1000;
      startChild();
      await healthy();
      killed = { at, posted: p.progress.posted, downS: (performance.now() - t0) / 1000 - at };
      console.log(`  kill -9 at ${at.toFixed(1)} s with ${p.progress.posted} posted; restarted in ${killed.downS.toFixed(1)} s`);
    }
    if (p.status !== 'EXECUTING') {
      final = p;
      break;
    }
  }
  const execS = (performance.now() - t0) / 1000;
  const transfers = (await (await fetch(`${emulator.url}/_emulator/transfers`)).json()).data;
  const perItem = new Map();
  for (const t of transfers) perItem.set(t.metadata.payout_item_id, (perItem.get(t.metadata.payout_item_id) ?? 0) + 1);
  const duplicates = [...perItem.values()].filter((n) => n > 1).length;
  const sum = transfers.reduce((s, t) => s + t.amount, 0);
  const {
    rows: [retries],
  } = await db.query(
    `select count(*) filter (where transient_failures > 0)::int as retried, coalesce(sum(transient_failures), 0)::int as transient, max(attempts)::int as max_attempts
       from payout_item where batch_id = $1`,
    [batch.id],
  );
  const ideal = items / RATE;
  const drift = (execS - ideal) / ideal;
  console.log(
    `execution: ${final.status} ${JSON.stringify(final.progress)} in ${execS.toFixed(1)} s; ideal at ${RATE}/s ${ideal.toFixed(1)} s; ${(drift * 100).toFixed(1)}% off (target within 10%)`,
  );
  console.log(
    `  achieved ${(items / execS).toFixed(2)} transfers/s; ${transfers.length} transfers for ${items} items, ${duplicates} duplicates, Σ ${sum} (batch ${batch.totalMinor}); ${retries.transient} calls without a definite answer (429/timeouts) on ${retries.retried} items, max attempt ${retries.max_attempts}`,
  );
  const ok =
    buildS <= 10 &&
    duplicates === 0 &&
    final.status === 'COMPLETED' &&
    transfers.length === items &&
    String(sum) === String(batch.totalMinor) &&
    Math.abs(drift) <= 0.1 &&
    killed;
  console.log(ok ? 'PASS' : 'FAIL');
  process.exitCode = ok ? 0 : 1;
} catch (err) {
  if (!err.quiet) throw err;
} finally {
  child?.kill('SIGTERM');
  await db.end().catch(() => {});
  await emulator.close();
  rmSync(emulatorDir, { recursive: true, force: true });
  server.stop();
}
