// Who may read money, for every field of the schema that exposes it, as every kind of caller:
// one program arranged through real parts (keys record and finalize, a batch is built), then a
// table of queries, each run as OWNER, FINANCE, REVIEWER, a key of each scope, the affiliate and
// nobody. A new money field without a row here fails the completeness check.
import { readFileSync } from 'node:fs';
import { buildSchema, isObjectType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, uniq, type GqlResult, type TestApp } from '../test/harness.js';
import { click, program, type Program } from '../test/orders-fixtures.js';
import { OperatorRole } from '../modules/auth/index.js';
import { PayoutFixtures } from '../test/payouts-fixtures.js';

const CALLERS = ['OWNER', 'FINANCE', 'REVIEWER', 'KEY_ORDERS', 'KEY_READ', 'KEY_PAYOUTS', 'AFFILIATE', 'ANONYMOUS'] as const;
type Who = (typeof CALLERS)[number];

const MONEY_READERS: Who[] = ['OWNER', 'FINANCE', 'KEY_READ'];
const OPERATORS_AND_READERS: Who[] = ['OWNER', 'FINANCE', 'REVIEWER', 'KEY_READ'];
const PAYOUT_READERS: Who[] = [...MONEY_READERS, 'KEY_PAYOUTS'];
const SELF: Who[] = ['AFFILIATE'];

interface Row {
  /** Schema fields (`Type.field`) the query reaches, the last one being the field under test. */
  fields: string[];
  query: string;
  vars?: () => Record<string, unknown>;
  allowed: Who[];
}

/** Money and payout-account fields, by name: what the table must cover. */
const MONEY_FIELD = /Minor$|^stripe|^payoutAccount$|^byCurrency$/;
const ALSO_MONEY = ['Campaign.commission', 'PublicCampaign.commission'];

describe('who sees money: every money field, every caller', () => {
  let app: TestApp;
  let p: Program;
  let batchId: string;
  const tokens = {} as Record<Who, string | undefined>;

  beforeAll(async () => {
    app = await startTestApp();
    const fx = new PayoutFixtures(app);
    p = await program(app, { affiliates: 2 });
    const [payee, rival] = p.affiliates as [Program['affiliates'][number], Program['affiliates'][number]];
    tokens.OWNER = p.token;
    tokens.FINANCE = (await app.newOperator(p.merchantId, OperatorRole.FINANCE)).token;
    tokens.REVIEWER = (await app.newOperator(p.merchantId, OperatorRole.REVIEWER)).token;
    for (const scope of ['ORDERS', 'READ', 'PAYOUTS'] as const) {
      const k = await app.gql(`mutation($s: [ApiKeyScope!]) { createApiKey(name: "k", scopes: $s) { key } }`, { s: [scope] }, p.token);
      tokens[`KEY_${scope}`] = k.data!.createApiKey.key;
    }
    tokens.AFFILIATE = payee.token;
    await fx.onboard({ affiliateId: payee.id, enrollmentId: payee.enrollmentId, email: payee.email, token: payee.token });

    // The rival's click, then the payee's: the payee wins the order; a refund adjusts it.
    const visitor = uniq('v');
    await click(app, p, rival, { visitorId: visitor, occurredAt: new Date(Date.now() - 7200_000) });
    await click(app, p, payee, { visitorId: visitor });
    const ok = (r: GqlResult) => {
      expect(r.errors).toBeUndefined();
      return r.data!;
    };
    const order = (id: string, visitorId: string) =>
      app.gql(
        `mutation($i: RecordOrderInput!) { recordOrder(input: $i) { conversion { id } } }`,
        { i: { id, amountMinor: 20_000, currency: 'USD', occurredAt: new Date().toISOString(), visitorId } },
        tokens.KEY_ORDERS,
      );
    const refund = (orderId: string, amountMinor: number) =>
      app.gql(
        `mutation($i: RecordRefundInput!) { recordRefund(input: $i) { refund { refundId } } }`,
        { i: { orderId, id: uniq('re'), amountMinor, occurredAt: new Date().toISOString() } },
        tokens.KEY_ORDERS,
      );
    ok(await order('o-1', visitor));
    ok(await refund('o-1', 5_000));
    // The rival alone on another order: not onboarded, so skipped by the batch.
    const alone = uniq('v');
    await click(app, p, rival, { visitorId: alone });
    ok(await order('o-2', alone));
    const ids = ok(await app.gql(`{ commissions { edges { node { id } } } }`, {}, tokens.KEY_READ)).commissions.edges.map((e: any) => e.node.id);
    expect(
      ok(await app.gql(`mutation($ids: [ID!]) { finalizeCommissions(input: { ids: $ids }) { finalizedCount } }`, { ids }, tokens.KEY_PAYOUTS))
        .finalizeCommissions.finalizedCount,
    ).toBe(2);
    ok(await refund('o-1', 1_000)); // after finalization: a clawback
    const batch = ok(
      await app.gql(
        `mutation($i: CreatePayoutBatchInput!) { createPayoutBatch(input: $i) { id items { totalCount } skipped { reason } } }`,
        { i: { campaignId: p.campaign.id, period: new Date().toISOString().slice(0, 7) } },
        tokens.KEY_PAYOUTS,
      ),
    ).createPayoutBatch;
    expect(batch.items.totalCount).toBe(1);
    expect(batch.skipped).toHaveLength(1);
    batchId = batch.id;
  });
  afterAll(() => app?.close());

  const affiliateVars = () => ({ id: p.affiliates[0]!.id });
  const batchVars = () => ({ id: batchId });
  const period = () => ({ i: { from: new Date(Date.now() - 2 * 86_400_000).toISOString(), to: new Date(Date.now() + 86_400_000).toISOString() } });
  const rows: Row[] = [
    ...['pendingMinor', 'finalizedMinor', 'paidMinor'].flatMap((f): Row[] => [
      {
        fields: ['Query.affiliate', 'Affiliate.stats', `AffiliateStats.${f}`],
        query: `query($id: ID!) { affiliate(id: $id) { stats { ${f} } } }`,
        vars: affiliateVars,
        allowed: MONEY_READERS,
      },
      { fields: ['Me.stats', `AffiliateStats.${f}`], query: `{ me { stats { ${f} } } }`, allowed: SELF },
      {
        fields: ['AffiliateStats.byCurrency', `CurrencyStats.${f}`],
        query: `query($id: ID!) { affiliate(id: $id) { stats { byCurrency { ${f} } } } }`,
        vars: affiliateVars,
        allowed: MONEY_READERS,
      },
      { fields: ['AffiliateStats.byCurrency', `CurrencyStats.${f}`], query: `{ me { stats { byCurrency { ${f} } } } }`, allowed: SELF },
    ]),
    {
      fields: ['Affiliate.conversions', 'Conversion.amountMinor'],
      query: `query($id: ID!) { affiliate(id: $id) { conversions { edges { node { amountMinor } } } } }`,
      vars: affiliateVars,
      allowed: MONEY_READERS,
    },
    {
      fields: ['Commission.conversion', 'Conversion.amountMinor'],
      query: `{ me { commissions { edges { node { conversion { amountMinor } } } } } }`,
      allowed: SELF,
    },
    {
      fields: ['Affiliate.commissions', 'Commission.amountMinor'],
      query: `query($id: ID!) { affiliate(id: $id) { commissions { edges { node { amountMinor } } } } }`,
      vars: affiliateVars,
      allowed: MONEY_READERS,
    },
    ...['amountMinor', 'originalAmountMinor'].flatMap((f): Row[] => [
      { fields: ['Query.commissions', `Commission.${f}`], query: `{ commissions { edges { node { ${f} } } } }`, allowed: MONEY_READERS },
      { fields: ['Me.commissions', `Commission.${f}`], query: `{ me { commissions { edges { node { ${f} } } } } }`, allowed: SELF },
    ]),
    {
      fields: ['Commission.adjustments', 'CommissionAdjustment.amountMinor'],
      query: `{ commissions { edges { node { adjustments { amountMinor } } } } }`,
      allowed: MONEY_READERS,
    },
    { fields: ['Query.clawbacks', 'Clawback.amountMinor'], query: `{ clawbacks { edges { node { amountMinor } } } }`, allowed: MONEY_READERS },
    {
      fields: ['Affiliate.payoutAccount', 'PayoutAccount.stripeAccountId'],
      query: `query($id: ID!) { affiliate(id: $id) { payoutAccount { stripeAccountId } } }`,
      vars: affiliateVars,
      allowed: MONEY_READERS,
    },
    { fields: ['Me.payoutAccount', 'PayoutAccount.stripeAccountId'], query: `{ me { payoutAccount { stripeAccountId } } }`, allowed: SELF },
    {
      fields: ['Query.payoutBatch', 'PayoutBatch.totalMinor'],
      query: `query($id: ID!) { payoutBatch(id: $id) { totalMinor } }`,
      vars: batchVars,
      allowed: PAYOUT_READERS,
    },
    ...['amountMinor', 'awaitingAccountMinor'].map((f): Row => ({
      fields: ['Query.payoutPreview', `PayoutPreview.${f}`],
      query: `query($c: ID!, $p: String!) { payoutPreview(campaignId: $c, period: $p) { ${f} } }`,
      vars: () => ({ c: p.campaign.id, p: new Date().toISOString().slice(0, 7) }),
      allowed: PAYOUT_READERS,
    })),
    {
      fields: ['PayoutBatch.skipped', 'PayoutSkip.amountMinor'],
      query: `query($id: ID!) { payoutBatch(id: $id) { skipped { amountMinor } } }`,
      vars: batchVars,
      allowed: PAYOUT_READERS,
    },
    ...['amountMinor', 'grossMinor', 'clawbackMinor', 'transferReversedMinor', 'stripeTransferId'].flatMap((f): Row[] => [
      {
        fields: ['PayoutBatch.items', `PayoutItem.${f}`],
        query: `query($id: ID!) { payoutBatch(id: $id) { items { edges { node { ${f} } } } } }`,
        vars: batchVars,
        allowed: PAYOUT_READERS,
      },
      { fields: ['Me.payouts', `PayoutItem.${f}`], query: `{ me { payouts { edges { node { ${f} } } } } }`, allowed: SELF },
    ]),
    // A campaign's terms: operators (a REVIEWER too: configuration, not earnings) and reading keys.
    {
      fields: ['Query.campaign', 'Campaign.minPayoutMinor'],
      query: `query($id: ID!) { campaign(id: $id) { minPayoutMinor } }`,
      vars: () => ({ id: p.campaign.id }),
      allowed: OPERATORS_AND_READERS,
    },
    // The Stripe account sales come from: operators and reading keys (connecting it is the owner's).
    {
      fields: ['Query.campaign', 'Campaign.merchant', 'Merchant.stripeSales'],
      query: `query($id: ID!) { campaign(id: $id) { merchant { stripeSales { status } } } }`,
      vars: () => ({ id: p.campaign.id }),
      allowed: OPERATORS_AND_READERS,
    },
    {
      fields: ['Query.campaign', 'Campaign.commission', 'CommissionRule.amountMinor'],
      query: `query($id: ID!) { campaign(id: $id) { commission { amountMinor } } }`,
      vars: () => ({ id: p.campaign.id }),
      allowed: OPERATORS_AND_READERS,
    },
    {
      fields: ['Me.enrollments', 'Enrollment.campaign', 'Campaign.commission'],
      query: `{ me { enrollments { campaign { commission { type } } } } }`,
      allowed: [],
    },
    {
      fields: ['Query.campaign', 'Campaign.stripeCouponId'],
      query: `query($id: ID!) { campaign(id: $id) { stripeCouponId } }`,
      vars: () => ({ id: p.campaign.id }),
      allowed: OPERATORS_AND_READERS,
    },
    {
      fields: ['Me.enrollments', 'Enrollment.campaign', 'Campaign.stripeCouponId'],
      query: `{ me { enrollments { campaign { stripeCouponId } } } }`,
      allowed: [],
    },
    {
      fields: ['Me.enrollments', 'Enrollment.campaign', 'Campaign.minPayoutMinor'],
      query: `{ me { enrollments { campaign { minPayoutMinor } } } }`,
      allowed: [],
    },
    // The terms a program offers are public: the application page shows them to anyone.
    {
      fields: ['Query.publicCampaign', 'PublicCampaign.minPayoutMinor'],
      query: `query($s: String!) { publicCampaign(slug: $s) { minPayoutMinor } }`,
      vars: () => ({ s: p.campaign.slug }),
      allowed: [...CALLERS],
    },
    {
      fields: ['Query.publicCampaign', 'PublicCampaign.commission', 'CommissionRule.rateBps'],
      query: `query($s: String!) { publicCampaign(slug: $s) { commission { rateBps } } }`,
      vars: () => ({ s: p.campaign.slug }),
      allowed: [...CALLERS],
    },
    // Analytics: every operator sees the counts, money only FINANCE and OWNER and reading keys; an affiliate its own.
    ...['revenueMinor', 'commissionMinor'].flatMap((f): Row[] => [
      {
        fields: ['Query.analytics', `AnalyticsFigures.${f}`],
        query: `query($i: AnalyticsInput!) { analytics(input: $i) { totals { ${f} } } }`,
        vars: period,
        allowed: MONEY_READERS,
      },
      {
        fields: ['Analytics.series', `AnalyticsBucket.${f}`],
        query: `query($i: AnalyticsInput!) { analytics(input: $i) { series { ${f} } } }`,
        vars: period,
        allowed: MONEY_READERS,
      },
      {
        fields: ['Analytics.topAffiliates', `TopAffiliate.${f}`],
        query: `query($i: AnalyticsInput!) { analytics(input: $i) { topAffiliates { ${f} } } }`,
        vars: period,
        allowed: MONEY_READERS,
      },
      {
        fields: ['Me.analytics', `AnalyticsFigures.${f}`],
        query: `query($i: MyAnalyticsInput!) { me { analytics(input: $i) { totals { ${f} } } } }`,
        vars: period,
        allowed: SELF,
      },
      {
        fields: ['MyAnalytics.series', `AnalyticsBucket.${f}`],
        query: `query($i: MyAnalyticsInput!) { me { analytics(input: $i) { series { ${f} } } } }`,
        vars: period,
        allowed: SELF,
      },
    ]),
    // Recording refunds: the refund's amount comes back to whoever may record it.
    {
      fields: ['Mutation.recordRefund', 'Refund.amountMinor'],
      query: `mutation($i: RecordRefundInput!) { recordRefund(input: $i) { refund { amountMinor } } }`,
      vars: () => ({ i: { orderId: 'o-2', id: uniq('re'), amountMinor: 1, occurredAt: new Date().toISOString() } }),
      allowed: ['OWNER', 'FINANCE', 'KEY_ORDERS'],
    },
  ];

  it('covers every money and payout-account field of the schema', () => {
    const schema = buildSchema(readFileSync(new URL('../../../schema/schema.graphql', import.meta.url), 'utf8'));
    const money = Object.values(schema.getTypeMap())
      .filter(isObjectType)
      .flatMap((t) =>
        Object.keys(t.getFields())
          .filter((f) => MONEY_FIELD.test(f))
          .map((f) => `${t.name}.${f}`),
      )
      .concat(ALSO_MONEY);
    const covered = new Set(rows.flatMap((r) => r.fields));
    expect(money.filter((f) => !covered.has(f))).toEqual([]);
  });

  describe.each(rows.map((r) => [r.fields.join(' → '), r] as const))('%s', (_, row) => {
    it.each(CALLERS)('%s', async (who) => {
      const r = await app.gql(row.query, row.vars?.() ?? {}, tokens[who]);
      if (row.allowed.includes(who)) {
        expect(r.errors).toBeUndefined();
        // The field itself was resolved (the arranged rows exist), not just its parent.
        expect(JSON.stringify(r.data)).toContain(`"${row.fields.at(-1)!.split('.')[1]}":`);
        return;
      }
      const codes = (r.errors ?? []).map((e) => e.extensions?.code);
      expect(codes.length).toBeGreaterThan(0);
      expect(codes.every((c) => c === (who === 'ANONYMOUS' ? 'UNAUTHENTICATED' : 'FORBIDDEN'))).toBe(true);
    });
  });
});
