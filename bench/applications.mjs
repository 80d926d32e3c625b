// The application queue at scale: 100k applications stored; a page of 100 rows with nested
// fields (SQL statements per request, p95 latency), and bulk approval of 1,000 applications.
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { freshDatabase, gql, percentile, postgres, startServer } from './lib.mjs';

const TOTAL = Number(process.env.APPLICATIONS ?? 100_000);
const REQUESTS = Number(process.env.REQUESTS ?? 200);

const server = await postgres();
const url = await freshDatabase(server.url, 'sorae_bench_applications');
const app = await startServer(url);
try {
  const { token } = (await gql(app.url, `mutation { signIn(email: "bench-owner@example.test", password: "bench-password") { token } }`)).data.signIn;
  const fields = [
    { key: 'social_profile', label: 'Social profile', type: 'URL', required: true },
    { key: 'audience_size', label: 'Audience size', type: 'NUMBER', required: true },
    { key: 'content_category', label: 'Category', type: 'SELECT', options: ['Tech', 'Food', 'Travel'] },
  ];
  const { id: campaignId } = (
    await gql(
      app.url,
      `mutation($input: CampaignInput!) { createCampaign(input: $input) { id } }`,
      {
        input: {
          name: 'Bench',
          slug: 'bench',
          destinationUrl: 'https://shop.example/',
          currency: 'USD',
          commission: { type: 'PERCENTAGE', rateBps: 1000 },
          intakeFields: fields,
        },
      },
      token,
    )
  ).data.createCampaign;

  // Seed set-based: affiliates and applications straight from generate_series.
  const t0 = performance.now();
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  const {
    rows: [{ merchant_id: merchantId }],
  } = await db.query('select merchant_id from campaign where id = $1', [campaignId]);
  await db.query(
    `
    insert into affiliate (id, merchant_id, email, name, password_hash, created_at)
    select gen_random_uuid(), $1, 'aff' || g || '@bench.example', 'Affiliate ' || g, 'scrypt$10$8$1$x$y', now()
      from generate_series(1, $2) g`,
    [merchantId, TOTAL],
  );
  await db.query(
    `
    insert into application (id, merchant_id, campaign_id, affiliate_id, status, email, name, answers, fields_snapshot, search_text, submitted_at)
    select
      (lpad(to_hex((extract(epoch from now()) * 1000)::bigint - $3 + row_number() over (order by a.email)), 12, '0')
        || '7' || substr(md5(a.email), 1, 3) || '8' || substr(md5(a.email), 4, 15))::uuid,
      $1, $2, a.id, 'SUBMITTED', a.email, a.name,
      jsonb_build_array(
        jsonb_build_object('key', 'social_profile', 'label', 'Social profile', 'value', 'https://social.example/' || a.name),
        jsonb_build_object('key', 'audience_size', 'label', 'Audience size', 'value', (length(a.email) * 977)::text),
        jsonb_build_object('key', 'content_category', 'label', 'Category', 'value', (array['Tech','Food','Travel'])[1 + length(a.email) % 3])),
      '[]'::jsonb, lower(a.name || ' ' || a.email), now()
    from affiliate a where a.merchant_id = $1`,
    [merchantId, campaignId, TOTAL],
  );
  // What autovacuum would have done after a bulk load: statistics and the visibility map.
  await db.query('vacuum analyze');
  console.log(`seeded ${TOTAL} applications in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const QUEUE = `query($after: String) { applications(first: 100, after: $after, filter: { status: SUBMITTED }) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id name email status submittedAt answers { key label value } campaign { id name } enrollment { shareCode shareUrl } } } } }`;
  const measure = async (query) => {
    const latencies = [];
    const statements = new Set();
    let after = null;
    for (let i = 0; i < REQUESTS; i++) {
      const start = performance.now();
      const r = await gql(app.url, query, { after }, token);
      latencies.push(performance.now() - start);
      statements.add(r.statements);
      after = i % 10 === 9 ? null : r.data.applications.pageInfo.endCursor;
    }
    latencies.sort((a, b) => a - b);
    return { p50: percentile(latencies, 50), p95: percentile(latencies, 95), statements: [...statements] };
  };
  await measure(QUEUE); // warm-up: JIT, plans, pool
  const full = await measure(QUEUE);
  const noCount = await measure(QUEUE.replace('totalCount ', ''));

  const bulk = [];
  for (let round = 0; round < 3; round++) {
    const { rows } = await db.query(`select id from application where status = 'SUBMITTED' order by id limit 1000 offset $1`, [round * 5000]);
    const start = performance.now();
    const r = await gql(
      app.url,
      `mutation($ids: [ID!]) { reviewApplications(input: { ids: $ids, decision: APPROVE }) { approvedCount } }`,
      { ids: rows.map((x) => x.id) },
      token,
    );
    bulk.push({ ms: performance.now() - start, approved: r.data.reviewApplications.approvedCount, statements: r.statements });
  }
  await db.end();

  console.log(`queue page of 100 (nested fields), ${REQUESTS} requests over ${TOTAL} applications:`);
  console.log(`  SQL statements per request: ${full.statements.join(', ')} (target ≤ 5)`);
  console.log(`  latency p50 ${full.p50.toFixed(1)} ms, p95 ${full.p95.toFixed(1)} ms (target p95 ≤ 30 ms)`);
  console.log(`  without totalCount: p50 ${noCount.p50.toFixed(1)} ms, p95 ${noCount.p95.toFixed(1)} ms, ${noCount.statements.join(', ')} statements`);
  for (const b of bulk) console.log(`bulk approve 1,000: ${b.ms.toFixed(0)} ms, ${b.approved} approved, ${b.statements} SQL statements (target ≤ 2000 ms)`);
} finally {
  await app.close();
  server.stop();
}
