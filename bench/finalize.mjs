// Finalization at scale: 1,000,000 PENDING commissions past their hold (with their
// conversions, whose order time starts the hold) and `finalizeCommissions` through GraphQL:
// one set-based UPDATE. Checked: every one FINALIZED, none of another campaign touched.
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { freshDatabase, gql, postgres, startServer } from './lib.mjs';

const COMMISSIONS = Number(process.env.COMMISSIONS ?? 1_000_000);

const server = await postgres();
const url = await freshDatabase(server.url, 'sorae_bench_finalize');
const app = await startServer(url);
try {
  const { token } = (await gql(app.url, `mutation { signIn(email: "bench-owner@example.test", password: "bench-password") { token } }`)).data.signIn;
  const campaign = async (slug) =>
    (
      await gql(
        app.url,
        `mutation($input: CampaignInput!) { createCampaign(input: $input) { id } }`,
        {
          input: {
            name: slug,
            slug,
            destinationUrl: 'https://shop.example/',
            currency: 'USD',
            commission: { type: 'PERCENTAGE', rateBps: 1000 },
            holdDays: 30,
          },
        },
        token,
      )
    ).data.createCampaign.id;
  const campaignId = await campaign('finalize-bench');
  const otherId = await campaign('finalize-other');

  // Conversions 40 days old and their commissions, set-based. Their orders, enrollments and
  // affiliates are not what this measures: foreign-key triggers are off for this session only.
  let t0 = performance.now();
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  const {
    rows: [{ merchant_id: merchantId }],
  } = await db.query('select merchant_id from campaign where id = $1', [campaignId]);
  await db.query('begin');
  await db.query('set local session_replication_role = replica');
  const seed = (campaign, n) =>
    db.query(
      `
    with cv as (
      insert into conversion (id, merchant_id, order_id, order_external_id, channel, occurred_at, amount_minor, currency, campaign_id, explanation, created_at)
      select gen_random_uuid(), $1, gen_random_uuid(), 'ord-' || g, 'AFFILIATE', now() - interval '40 days', 10000, 'USD', $2, '{}'::jsonb, now()
        from generate_series(1, $3::int) g
      returning id)
    insert into commission (id, merchant_id, conversion_id, enrollment_id, affiliate_id, campaign_id, currency, original_amount_minor, amount_minor, status, created_at)
    select gen_random_uuid(), $1, cv.id, gen_random_uuid(), gen_random_uuid(), $2, 'USD', 1000, 1000, 'PENDING', now() from cv`,
      [merchantId, campaign, n],
    );
  await seed(campaignId, COMMISSIONS);
  await seed(otherId, 1000);
  await db.query('commit');
  await db.query('vacuum analyze');
  console.log(`seeded ${COMMISSIONS} PENDING commissions past their hold in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  t0 = performance.now();
  const r = await gql(app.url, `mutation($id: ID!) { finalizeCommissions(input: { campaignId: $id }) { finalizedCount } }`, { id: campaignId }, token);
  const seconds = (performance.now() - t0) / 1000;
  const {
    rows: [check],
  } = await db.query(
    `select count(*) filter (where status = 'FINALIZED' and campaign_id = $1)::int as finalized,
            count(*) filter (where status = 'PENDING' and campaign_id = $2)::int as untouched
       from commission where merchant_id = $3`,
    [campaignId, otherId, merchantId],
  );
  await db.end();
  console.log(
    `finalized ${r.data.finalizeCommissions.finalizedCount} commissions in ${seconds.toFixed(2)} s with ${r.statements} SQL statements (target ≤ 20 s)`,
  );
  console.log(
    `check: ${check.finalized} FINALIZED in the campaign, ${check.untouched} of 1000 in another campaign still PENDING ${check.finalized === COMMISSIONS && check.untouched === 1000 ? 'OK' : 'MISMATCH'}`,
  );
} finally {
  await app.close();
  server.stop();
}
