// Analytics at scale: CLICKS clicks and CONVERSIONS conversions (with commissions) seeded
// set-based over DAYS days and AFFILIATES enrollments (indexes and keys built after the rows),
// the rollups filled by the analytics migrations themselves; then the admin overview queries and
// an affiliate's dashboard (p95), and what keeping the rollups costs the redirect and the order
// webhook: the same load against a server with the rollups (its click rollup passes running)
// and one without (`withoutRollups`), on the same database, round by round, in both orders.
import { fork } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { confirmFromOutbox, freshDatabase, gql, percentile, postgres, postgresCpuSeconds, startServer } from './lib.mjs';

const CLICKS = Number(process.env.CLICKS ?? 10_000_000);
const CONVERSIONS = Number(process.env.CONVERSIONS ?? 1_000_000);
const AFFILIATES = Number(process.env.AFFILIATES ?? 1_000);
const DAYS = Number(process.env.DAYS ?? 365);
const REQUESTS = Number(process.env.REQUESTS ?? 200);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const DURATION = Number(process.env.DURATION ?? 10);
const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';

if (process.argv[2] === '--redirect') {
  // Child: share-link redirects from browsers (bots would skip the rollup). VISITORS=new: each a
  // new visitor (no cookie); returning: visitors of a pool of 500 come back (their cookie), so
  // most clicks repeat a visitor's hour.
  let n = 0;
  const returning = process.env.VISITORS === 'returning';
  const r = await autocannon({
    url: `${process.env.URL_}/r/${process.env.CODE}`,
    connections: 50,
    duration: DURATION,
    requests: [
      {
        setupRequest: (req) => ({
          ...req,
          headers: { 'user-agent': BROWSER, ...(returning ? { cookie: `sorae_vid=bench-returning-${String(n++ % 500).padStart(4, '0')}` } : {}) },
        }),
      },
    ],
  });
  process.send({ rps: r.requests.average, requests: r.requests.total, p99: r.latency.p99, non2xx: r.non2xx - r['3xx'] });
  process.exit(0);
}

if (process.argv[2] === '--orders') {
  // Child: signed order webhooks from visitors with seeded clicks (AFFILIATE conversions), distinct ids.
  const { URL_, SECRET, MERCHANT, RUN } = process.env;
  let n = 0;
  const r = await autocannon({
    url: `${URL_}/webhooks/orders`,
    connections: 32,
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
              visitorId: `v${i % 50_000}`,
            },
          });
          const t = Math.floor(Date.now() / 1000);
          const sig = createHmac('sha256', SECRET).update(`${t}.${body}`).digest('hex');
          return { ...req, body, headers: { 'content-type': 'application/json', 'sorae-merchant': MERCHANT, 'sorae-signature': `t=${t},v1=${sig}` } };
        },
      },
    ],
  });
  process.send({ rps: r['2xx'] / r.duration, requests: r['2xx'], p99: r.latency.p99, non2xx: r.non2xx });
  process.exit(0);
}

const child = (mode, env) =>
  new Promise((resolve, reject) => {
    const c = fork(fileURLToPath(import.meta.url), [mode], { env: { ...process.env, ...env } });
    c.on('message', resolve);
    c.on('exit', (code) => code && reject(new Error(`${mode} exited with ${code}`)));
  });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const server = await postgres();
const url = await freshDatabase(server.url, 'sorae_bench_analytics');
// The click rollup job runs here only while the server with rollups is measured (the bench
// makes the job's pass every ROLLUP_MS, as the server does): otherwise it would also roll up
// the baseline's clicks during the baseline's own rounds.
const ROLLUP_MS = 1000;
const app = await startServer(url, { ANALYTICS_ROLLUP_MS: '60000' });
// The baseline: the same server without the rollup ports, on the same database.
const base = await startServer(url, {}, { withoutRollups: true });
const db = new pg.Client({ connectionString: url });
await db.connect();
try {
  const { token } = (await gql(app.url, `mutation { signIn(email: "bench-owner@example.test", password: "bench-password") { token } }`)).data.signIn;
  const { id: campaignId, slug } = (
    await gql(
      app.url,
      `mutation($input: CampaignInput!) { createCampaign(input: $input) { id slug } }`,
      {
        input: {
          name: 'Bench',
          slug: 'bench-analytics',
          destinationUrl: 'https://shop.example/',
          currency: 'USD',
          commission: { type: 'PERCENTAGE', rateBps: 1000 },
        },
      },
      token,
    )
  ).data.createCampaign;
  // One affiliate through the real flow (its portal session reads its dashboard), the others set-based.
  const { id: applicationId } = (
    await gql(app.url, `mutation($input: SubmitApplicationInput!) { submitApplication(input: $input) { id } }`, {
      input: { campaignSlug: slug, email: 'aff@bench.example', name: 'Bench affiliate', password: 'affiliate-pw', answers: [] },
    })
  ).data.submitApplication;
  await confirmFromOutbox(app.url, token, 'aff@bench.example');
  await gql(
    app.url,
    `mutation($i: ReviewApplicationsInput!) { reviewApplications(input: $i) { approvedCount } }`,
    { i: { ids: [applicationId], decision: 'APPROVE' } },
    token,
  );
  const affiliateToken = (await gql(app.url, `mutation { affiliateSignIn(email: "aff@bench.example", password: "affiliate-pw") { token } }`)).data
    .affiliateSignIn.token;
  const secret = (await gql(app.url, `mutation { rotateOrderWebhookSecret }`, {}, token)).data.rotateOrderWebhookSecret;
  const {
    rows: [{ merchant_id: merchantId }],
  } = await db.query('select merchant_id from campaign where id = $1', [campaignId]);

  // The server's click rollup job leaves the seeded clicks to the migrations below (which set the
  // mark again): a pass over them while their indexes are being built would scan the table per key.
  await db.query(`update analytics_click_mark set through = 9223372036854775807`);
  // Rows first, then their keys and indexes (a bulk load's usual order: one sort per index
  // instead of an index insert per row). The tables stay logged, as the servers write them.
  const seeded = ['click', 'store_order', 'conversion', 'commission'];
  const { rows: constraints } = await db.query(
    `select conrelid::regclass::text as tbl, conname, contype, pg_get_constraintdef(oid) as def from pg_constraint
      where contype in ('p', 'u', 'f') and (conrelid = any($1::regclass[]) or confrelid = any($1::regclass[]))`,
    [seeded],
  );
  const { rows: indexes } = await db.query(
    `select indexname, indexdef from pg_indexes where schemaname = 'public' and tablename = any($1) and indexname not in (select conname from pg_constraint)`,
    [seeded],
  );
  for (const c of constraints.filter((c) => c.contype === 'f')) await db.query(`alter table ${c.tbl} drop constraint "${c.conname}"`);
  for (const c of constraints.filter((c) => c.contype !== 'f')) await db.query(`alter table ${c.tbl} drop constraint "${c.conname}"`);
  for (const i of indexes) await db.query(`drop index "${i.indexname}"`);
  const t0 = performance.now();
  await db.query(
    `with a as (insert into affiliate (id, merchant_id, email, name, password_hash, created_at)
                select gen_random_uuid(), $1, 'aff' || g || '@bench.example', 'Affiliate ' || g, 'scrypt$10$8$1$x$y', now() from generate_series(2, $3) g returning id, email, name),
          p as (insert into application (id, merchant_id, campaign_id, affiliate_id, status, email, name, answers, fields_snapshot, search_text, submitted_at)
                select gen_random_uuid(), $1, $2, a.id, 'APPROVED', a.email, a.name, '[]'::jsonb, '[]'::jsonb, a.email, now() from a returning id, affiliate_id)
     insert into enrollment (id, merchant_id, campaign_id, affiliate_id, application_id, share_code, created_at)
     select gen_random_uuid(), $1, $2, p.affiliate_id, p.id, 'B' || upper(substr(md5(p.id::text), 1, 12)), now() from p`,
    [merchantId, campaignId, AFFILIATES],
  );
  // Clicks over the last DAYS days, spread over the enrollments (the real affiliate's among them);
  // visitors click about 3 times each; 1 in 50 is a bot.
  await db.query(
    `with e as (select row_number() over (order by id) - 1 as n, id, affiliate_id from enrollment where campaign_id = $2),
          c as (select count(*) as k from e)
     insert into click (id, merchant_id, enrollment_id, affiliate_id, campaign_id, channel, occurred_at, ip_hash, visitor_id, is_bot)
     select gen_random_uuid(), $1, e.id, e.affiliate_id, $2, 'AFFILIATE', now() - (g::double precision / $3) * $4 * interval '1 day',
            'bench', 'v' || (g % ($3 / 3 + 1)), g % 50 = 0
       from generate_series(0, $3 - 1) g cross join c join e on e.n = g % c.k`,
    [merchantId, campaignId, CLICKS, DAYS],
  );
  const tClicks = performance.now();
  await db.query(
    `with e as (select row_number() over (order by id) - 1 as n, id, affiliate_id from enrollment where campaign_id = $2),
          c as (select count(*) as k from e),
          x as (select gen_random_uuid() as order_id, gen_random_uuid() as conversion_id, e.id as enrollment_id, e.affiliate_id,
                       now() - (g::double precision / $3) * $4 * interval '1 day' as occurred_at, 1000 + g % 9000 as amount, g
                  from generate_series(0, $3 - 1) g cross join c join e on e.n = g % c.k),
          o as (insert into store_order (id, merchant_id, external_id, amount_minor, currency, occurred_at, visitor_id, created_at)
                select order_id, $1, 'o' || g, amount, 'USD', occurred_at, 'v' || g, occurred_at from x),
          v as (insert into conversion (id, merchant_id, order_id, order_external_id, channel, occurred_at, amount_minor, currency, enrollment_id, affiliate_id, campaign_id, explanation, created_at)
                select conversion_id, $1, order_id, 'o' || g, 'AFFILIATE', occurred_at, amount, 'USD', enrollment_id, affiliate_id, $2, '{}'::jsonb, occurred_at from x)
     insert into commission (id, merchant_id, conversion_id, enrollment_id, affiliate_id, campaign_id, currency, original_amount_minor, amount_minor, status, created_at)
     select gen_random_uuid(), $1, conversion_id, enrollment_id, affiliate_id, $2, 'USD', amount / 10, amount / 10, 'PENDING', occurred_at from x`,
    [merchantId, campaignId, CONVERSIONS, DAYS],
  );
  const tRows = performance.now();
  await db.query(`set maintenance_work_mem = '1GB'`);
  for (const c of constraints.filter((c) => c.contype !== 'f')) await db.query(`alter table ${c.tbl} add constraint "${c.conname}" ${c.def}`);
  for (const i of indexes) await db.query(i.indexdef);
  for (const c of constraints.filter((c) => c.contype === 'f')) await db.query(`alter table ${c.tbl} add constraint "${c.conname}" ${c.def}`);
  const tSeed = performance.now();
  // The rollups as a deployment gets them: the analytics migrations run again over the seeded rows.
  const migrations = [];
  for (const name of ['Migration20261207040000', 'Migration20261207040100', 'Migration20261208040000']) {
    const { [name]: Class } = await import(`../server/dist/db/migrations/${name}.js`);
    migrations.push(new Class(app.orm.em.getDriver(), app.orm.config));
  }
  for (const m of [...migrations].reverse()) {
    await m.down();
    for (const q of m.getQueries()) await db.query(q);
    m.reset();
  }
  for (const m of migrations) {
    await m.up();
    for (const q of m.getQueries()) await db.query(q);
  }
  const tRollup = performance.now();
  await db.query('vacuum analyze');
  const {
    rows: [sizes],
  } = await db.query(
    `select (select count(*) from click)::int as clicks, (select count(*) from conversion)::int as conversions, (select count(*) from analytics_day)::int as days`,
  );
  console.log(
    `seeded ${sizes.clicks} clicks (${((tClicks - t0) / 1000).toFixed(1)} s) and ${sizes.conversions} conversions with commissions (${((tRows - tClicks) / 1000).toFixed(1)} s) ` +
      `over ${AFFILIATES} affiliates and ${DAYS} days, then their keys and indexes (${((tSeed - tRows) / 1000).toFixed(1)} s); ` +
      `the migration rolled them up into ${sizes.days} daily rows in ${((tRollup - tSeed) / 1000).toFixed(1)} s`,
  );

  // Reads: what the admin overview and an affiliate's dashboard ask, each request REQUESTS times.
  const day = 86_400_000;
  const period = (days) => ({ from: new Date(Date.now() - days * day).toISOString(), to: new Date().toISOString() });
  const FIGURES = 'clicks uniqueClicks conversions revenueMinor commissionMinor';
  const reads = [
    {
      name: 'admin overview: 30 days by day, totals, top 10 affiliates',
      query: `query($i: AnalyticsInput!) { analytics(input: $i) { currency totals { ${FIGURES} } series { start ${FIGURES} } topAffiliates(first: 10) { affiliate { id name email } clicks conversions revenueMinor commissionMinor } } }`,
      vars: () => ({ i: { ...period(30), interval: 'DAY' } }),
      token,
    },
    {
      name: 'admin overview: 12 months by month, totals',
      query: `query($i: AnalyticsInput!) { analytics(input: $i) { currency totals { ${FIGURES} } series { start ${FIGURES} } } }`,
      vars: () => ({ i: { ...period(365), interval: 'MONTH' } }),
      token,
    },
    {
      name: "an affiliate's dashboard: 30 days by day and 12 months by month",
      query: `query($d: MyAnalyticsInput!, $m: MyAnalyticsInput!) { me { days: analytics(input: $d) { currency totals { ${FIGURES} } series { start ${FIGURES} } }
        months: analytics(input: $m) { totals { ${FIGURES} } series { start ${FIGURES} } } } }`,
      vars: () => ({ d: { ...period(30), interval: 'DAY' }, m: { ...period(365), interval: 'MONTH' } }),
      token: affiliateToken,
    },
  ];
  const latencies = [];
  for (const r of reads) {
    for (let i = 0; i < 20; i++) await gql(app.url, r.query, r.vars(), r.token); // warm-up
    const ms = [];
    for (let i = 0; i < REQUESTS; i++) {
      const start = performance.now();
      await gql(app.url, r.query, r.vars(), r.token);
      ms.push(performance.now() - start);
    }
    ms.sort((a, b) => a - b);
    latencies.push({ name: r.name, p50: percentile(ms, 50), p95: percentile(ms, 95) });
  }

  // Upkeep: the same load on the server with rollups and the one without, back to back, ROUNDS
  // times, the server that goes first alternating by round. The server with rollups runs its click
  // rollup pass every ROLLUP_MS while it is measured; between phases every click stored so far
  // (the baseline's too) is rolled up, so no phase pays for another's clicks.
  const {
    rows: [{ share_code: code }],
  } = await db.query(`select e.share_code from enrollment e join affiliate a on a.id = e.affiliate_id where a.email = 'aff@bench.example'`);
  const settle = async () => {
    await Promise.all([app.services.traffic.clicks.flush(), base.services.traffic.clicks.flush()]);
    await app.services.rollups.catchUp(app.orm.em.fork());
  };
  // CPU per request of the loaded server (this process: one server is loaded at a time, the
  // with-rollups one with its passes, the last one included) and of PostgreSQL: steadier than
  // the throughput on a shared machine, whose speed moves between phases.
  const withCpu = async (run) => {
    const cpu0 = { server: process.cpuUsage(), pg: postgresCpuSeconds('sorae_bench_analytics') };
    const r = await run();
    const server = process.cpuUsage(cpu0.server);
    r.cpuMs = ((server.user + server.system) / 1000 + (postgresCpuSeconds('sorae_bench_analytics') - cpu0.pg) * 1000) / r.requests;
    return r;
  };
  const measured = async (server, mode, env) => {
    await settle();
    if (server === base) return withCpu(() => child(mode, { URL_: base.url, ...env }));
    return withCpu(async () => {
      let pass = Promise.resolve();
      const timer = setInterval(() => (pass = pass.then(() => app.services.rollups.rollUpClicks(app.orm.em.fork()))), ROLLUP_MS);
      try {
        return await child(mode, { URL_: app.url, ...env });
      } finally {
        clearInterval(timer);
        await pass;
      }
    });
  };
  const pair = async (round, mode, env) => {
    const order = round % 2 ? [base, app] : [app, base];
    const r = {};
    for (const server of order) r[server === app ? 'with' : 'without'] = await measured(server, mode, env(server === app ? 'w' : 'b'));
    return { ...r, first: round % 2 ? 'without' : 'with' };
  };
  const rounds = { 'redirect (new visitors)': [], 'redirect (returning visitors)': [], orders: [] };
  for (let round = 0; round < ROUNDS; round++) {
    rounds['redirect (new visitors)'].push(await pair(round, '--redirect', () => ({ CODE: code, VISITORS: 'new' })));
    rounds['redirect (returning visitors)'].push(await pair(round, '--redirect', () => ({ CODE: code, VISITORS: 'returning' })));
    rounds.orders.push(await pair(round, '--orders', (who) => ({ SECRET: secret, MERCHANT: merchantId, RUN: `${who}${round}` })));
  }
  await settle();

  console.log(`\nreads over ${sizes.clicks} clicks and ${sizes.conversions} conversions, ${REQUESTS} requests each (target p95 ≤ 50 ms):`);
  for (const l of latencies) console.log(`  ${l.name}: p50 ${l.p50.toFixed(1)} ms, p95 ${l.p95.toFixed(1)} ms ${l.p95 <= 50 ? 'OK' : 'ABOVE TARGET'}`);
  for (const [path, rs] of Object.entries(rounds)) {
    const ratios = rs.map((r) => r.with.rps / r.without.rps);
    const cost = 1 - median(ratios);
    console.log(
      `\n${path}: with rollups ÷ without, by round: ${ratios.map((x) => x.toFixed(3)).join(', ')}; median ${median(ratios).toFixed(3)}, ` +
        `upkeep cost ${(100 * cost).toFixed(1)}% (target ≤ 5%) ${cost <= 0.05 ? 'OK' : 'ABOVE TARGET'}`,
    );
    const cpuRatios = rs.map((r) => r.without.cpuMs / r.with.cpuMs);
    console.log(
      `  CPU per request (server + PostgreSQL), without ÷ with, by round: ${cpuRatios.map((x) => x.toFixed(3)).join(', ')}; median ${median(cpuRatios).toFixed(3)}, ` +
        `upkeep ${(100 * (1 - median(cpuRatios))).toFixed(1)}% of the CPU a request takes`,
    );
    for (const r of rs) {
      console.log(
        `  ${r.first} first: with ${r.with.rps.toFixed(0)}/s (p99 ${r.with.p99} ms, ${r.with.non2xx} failed, ${r.with.cpuMs.toFixed(3)} ms CPU), without ${r.without.rps.toFixed(0)}/s (p99 ${r.without.p99} ms, ${r.without.non2xx} failed, ${r.without.cpuMs.toFixed(3)} ms CPU)`,
      );
    }
  }
  // The figures agree with the click log: every stored non-bot click is rolled up once (the baseline's too, between phases).
  const {
    rows: [check],
  } = await db.query(
    `select (select coalesce(sum(clicks), 0) from analytics_day where merchant_id = $1)::bigint as rolled,
            (select count(*) from click where merchant_id = $1 and not is_bot)::bigint as stored`,
    [merchantId],
  );
  console.log(`\nrolled-up clicks ${check.rolled} of ${check.stored} stored non-bot clicks: ${check.rolled === check.stored ? 'equal' : 'DIFFERENT'}`);
} finally {
  await db.end();
  await base.close();
  await app.close();
  server.stop();
}
