// The analytics API against a program arranged through real parts: clicks through the redirect
// (browsers and a bot, repeat visitors), orders and refunds through recordOrder/recordRefund,
// a finalization, and a second currency. Every figure is checked by hand and against a
// recomputation from the raw rows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, uniq, type GqlResult, type TestApp } from '../../test/harness.js';
import { program, type Program } from '../../test/orders-fixtures.js';
import { Enrollment } from '../applications/index.js';
import { OperatorRole } from '../auth/index.js';

const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';
const FIGURES = 'clicks uniqueClicks conversions revenueMinor commissionMinor';
const OVERVIEW = `query($i: AnalyticsInput!, $first: Int) { analytics(input: $i) { currency totals { ${FIGURES} } series { start ${FIGURES} }
  topAffiliates(first: $first) { affiliate { id name email } clicks conversions revenueMinor commissionMinor } } }`;
const MINE = `query($i: MyAnalyticsInput!) { me { analytics(input: $i) { currency totals { ${FIGURES} } series { start ${FIGURES} } } } }`;

const ok = <T>(r: GqlResult<T>): T => {
  expect(r.errors).toBeUndefined();
  return r.data!;
};
const zero = { clicks: 0, uniqueClicks: 0, conversions: 0, revenueMinor: 0, commissionMinor: 0 };
type Affiliate = Program['affiliates'][number];

describe('analytics: clicks, unique clicks, conversions and money per period', () => {
  let app: TestApp;
  let p: Program;
  let now = new Date('2026-11-02T10:00:00Z');
  let a: Affiliate, b: Affiliate, c: Affiliate;
  let eurCampaignId: string;
  const codes = new Map<string, string>();

  const at = (iso: string) => (now = new Date(iso));
  /** Visitor ids as the redirect's cookie carries them (16 to 64 characters). */
  const vid = (name: string) => `${name}-${p.merchantId.slice(0, 8)}-visitor`;
  const follow = async (who: Affiliate, visitor: string, iso: string, userAgent = BROWSER) => {
    at(iso);
    visitor = vid(visitor);
    const res = await fetch(`${app.url}/r/${codes.get(who.enrollmentId)}`, {
      redirect: 'manual',
      headers: { 'user-agent': userAgent, cookie: `sorae_vid=${visitor}` },
    });
    expect(res.status).toBe(302);
  };
  const order = async (id: string, amountMinor: number, currency: string, iso: string, visitorId?: string) =>
    ok(
      await app.gql(
        `mutation($i: RecordOrderInput!) { recordOrder(input: $i) { conversion { id channel } } }`,
        { i: { id, amountMinor, currency, occurredAt: iso, ...(visitorId ? { visitorId: vid(visitorId) } : {}) } },
        p.token,
      ),
    ).recordOrder.conversion;
  const refund = async (orderId: string, amountMinor: number, iso: string) =>
    ok(
      await app.gql(
        `mutation($i: RecordRefundInput!) { recordRefund(input: $i) { refund { refundId } } }`,
        { i: { orderId, id: uniq('re'), amountMinor, occurredAt: iso } },
        p.token,
      ),
    );

  beforeAll(async () => {
    app = await startTestApp({ CLICK_FLUSH_MS: '20' }, () => now);
    p = await program(app, { affiliates: 2 });
    [a, b] = p.affiliates as [Affiliate, Affiliate];
    // A second campaign of the same merchant, in euros, with its own affiliate.
    const eur = await program(app, { affiliates: 1, currency: 'EUR', owner: p });
    eurCampaignId = eur.campaign.id;
    c = eur.affiliates[0]!;
    for (const x of [a, b, c]) codes.set(x.enrollmentId, (await app.emFor(p.merchantId).findOneOrFail(Enrollment, { id: x.enrollmentId })).shareCode);
  });
  afterAll(() => app?.close());

  /** Every figure, per day and per affiliate, recomputed from the raw rows (clicks, conversions, refunds, commissions, adjustments, clawbacks). */
  const recompute = async (currency: string, fromDay: string, toDay: string, affiliateId?: string) => {
    const rows = await app.orm.em
      .fork()
      .getConnection()
      .execute<{ day: string; clicks: string; unique_clicks: string; conversions: string; revenue: string; commission: string }[]>(
        `with k as (select id, currency from campaign where merchant_id = ? and currency = ?),
            f as (
              select (occurred_at at time zone 'UTC')::date as day, affiliate_id, 1 as clicks, 0 as conversions, 0 as revenue, 0 as commission
                from click where merchant_id = ? and not is_bot and campaign_id in (select id from k)
              union all select (occurred_at at time zone 'UTC')::date, affiliate_id, 0, 1, amount_minor, 0
                from conversion where merchant_id = ? and channel = 'AFFILIATE' and campaign_id in (select id from k)
              union all select (r.occurred_at at time zone 'UTC')::date, cv.affiliate_id, 0, 0, -r.amount_minor, 0
                from refund r join conversion cv on cv.order_id = r.order_id where cv.merchant_id = ? and cv.channel = 'AFFILIATE' and cv.campaign_id in (select id from k)
              union all select (cv.occurred_at at time zone 'UTC')::date, m.affiliate_id, 0, 0, 0, m.original_amount_minor
                from commission m join conversion cv on cv.id = m.conversion_id where m.merchant_id = ? and m.campaign_id in (select id from k)
              union all select (r.occurred_at at time zone 'UTC')::date, m.affiliate_id, 0, 0, 0, j.amount_minor
                from commission_adjustment j join commission m on m.id = j.commission_id join refund r on r.id = j.refund_id where m.merchant_id = ? and m.campaign_id in (select id from k)
              union all select (r.occurred_at at time zone 'UTC')::date, m.affiliate_id, 0, 0, 0, w.amount_minor
                from clawback w join commission m on m.id = w.commission_id join refund r on r.id = w.refund_id where m.merchant_id = ? and m.campaign_id in (select id from k)),
            u as (select (occurred_at at time zone 'UTC')::date as day, affiliate_id, count(distinct (enrollment_id, visitor_id, date_trunc('hour', occurred_at))) as n
                    from click where merchant_id = ? and not is_bot and campaign_id in (select id from k) group by 1, 2)
       select to_char(f.day, 'YYYY-MM-DD') as day, sum(clicks) as clicks, coalesce((select sum(n) from u where u.day = f.day and (?::uuid is null or u.affiliate_id = ?::uuid)), 0) as unique_clicks,
              sum(conversions) as conversions, sum(revenue) as revenue, sum(commission) as commission
         from f where f.day >= ?::date and f.day < ?::date and (?::uuid is null or f.affiliate_id = ?::uuid) group by f.day order by f.day`,
        [
          p.merchantId,
          currency,
          ...Array(7).fill(p.merchantId),
          affiliateId ?? null,
          affiliateId ?? null,
          fromDay,
          toDay,
          affiliateId ?? null,
          affiliateId ?? null,
        ],
      );
    return rows.map((r) => ({
      day: r.day,
      clicks: Number(r.clicks),
      uniqueClicks: Number(r.unique_clicks),
      conversions: Number(r.conversions),
      revenueMinor: Number(r.revenue),
      commissionMinor: Number(r.commission),
    }));
  };
  /** The non-empty buckets of a series, by day. */
  const nonEmpty = (series: (typeof zero & { start: string })[]) =>
    series.filter((s) => Object.keys(zero).some((k) => s[k as keyof typeof zero] !== 0)).map(({ start, ...f }) => ({ day: start.slice(0, 10), ...f }));

  it('arranges traffic, orders and refunds', async () => {
    // A: one visitor three times in two hours (two unique), another once, a crawler once (never counts).
    await follow(a, 'v1', '2026-11-02T10:00:00Z');
    await follow(a, 'v1', '2026-11-02T10:20:00Z');
    await follow(a, 'v1', '2026-11-02T11:05:00Z');
    await follow(a, 'v2', '2026-11-02T10:30:00Z');
    await follow(a, 'vb', '2026-11-02T10:40:00Z', 'curl/8.5.0');
    await follow(b, 'v3', '2026-11-03T09:00:00Z');
    await follow(c, 'v4', '2026-11-02T12:00:00Z');
    await follow(a, 'v1', '2026-11-10T08:00:00Z');
    // The same visitor on B's link in A's hour: unique per link, so it counts for B.
    await follow(b, 'v1', '2026-11-03T10:10:00Z');
    await app.flushClicks();

    at('2026-11-10T12:00:00Z');
    expect(await order('o1', 10_000, 'USD', '2026-11-02T10:30:00Z', 'v1')).toMatchObject({ channel: 'AFFILIATE' });
    expect(await order('o2', 20_000, 'USD', '2026-11-03T09:30:00Z', 'v3')).toMatchObject({ channel: 'AFFILIATE' });
    expect(await order('o3', 5_000, 'EUR', '2026-11-02T12:30:00Z', 'v4')).toMatchObject({ channel: 'AFFILIATE' });
    expect(await order('o4', 7_000, 'USD', '2026-11-03T12:00:00Z')).toMatchObject({ channel: 'NONE' });
    expect(await order('o5', 9_000, 'USD', '2026-11-02T10:50:00Z', 'vb')).toMatchObject({ channel: 'NONE' }); // a bot's click never wins
    // Before finalization: an adjustment of A's commission; after: a clawback of B's. Each on its refund's day.
    await refund('o1', 2_500, '2026-11-03T15:00:00Z');
    const ids = ok(
      await app.gql(`query($a: ID) { commissions(filter: { affiliateId: $a }) { edges { node { id } } } }`, { a: b.id }, p.token),
    ).commissions.edges.map((e: { node: { id: string } }) => e.node.id);
    expect(
      ok(await app.gql(`mutation($ids: [ID!]) { finalizeCommissions(input: { ids: $ids }) { finalizedCount } }`, { ids }, p.token)).finalizeCommissions
        .finalizedCount,
    ).toBe(1);
    await refund('o2', 5_000, '2026-11-10T09:00:00Z');
    await refund('o4', 7_000, '2026-11-04T09:00:00Z'); // not an affiliate's order: no figure moves
  });

  it('answers each day of the period, in the default currency, agreeing with the raw rows', async () => {
    const r = ok(await app.gql(OVERVIEW, { i: { from: '2026-11-02T00:00:00Z', to: '2026-11-11T00:00:00Z' } }, p.token)).analytics;
    // One USD and one EUR campaign: a tie, won by the older campaign's currency.
    expect(r.currency).toBe('USD');
    expect(r.series).toHaveLength(9);
    expect(r.series[0].start).toBe('2026-11-02T00:00:00.000Z');
    expect(r.series[8].start).toBe('2026-11-10T00:00:00.000Z');
    expect(nonEmpty(r.series)).toEqual([
      { day: '2026-11-02', clicks: 4, uniqueClicks: 3, conversions: 1, revenueMinor: 10_000, commissionMinor: 1_000 },
      { day: '2026-11-03', clicks: 2, uniqueClicks: 2, conversions: 1, revenueMinor: 17_500, commissionMinor: 1_750 },
      { day: '2026-11-10', clicks: 1, uniqueClicks: 1, conversions: 0, revenueMinor: -5_000, commissionMinor: -500 },
    ]);
    expect(nonEmpty(r.series)).toEqual(await recompute('USD', '2026-11-02', '2026-11-11'));
    expect(r.totals).toEqual({ clicks: 7, uniqueClicks: 6, conversions: 2, revenueMinor: 22_500, commissionMinor: 2_250 });
    expect(r.topAffiliates.map((t: { affiliate: { id: string } }) => t.affiliate.id)).toEqual([b.id, a.id]);
    expect(r.topAffiliates[0]).toMatchObject({ clicks: 2, conversions: 1, revenueMinor: 15_000, commissionMinor: 1_500 });
    expect(r.topAffiliates[1]).toMatchObject({ clicks: 5, conversions: 1, revenueMinor: 7_500, commissionMinor: 750 });
  });

  it('keeps currencies apart: EUR figures only in EUR', async () => {
    const r = ok(
      await app.gql(OVERVIEW, { i: { from: '2026-11-01T00:00:00Z', to: '2026-11-30T00:00:00Z', currency: 'EUR', interval: 'MONTH' } }, p.token),
    ).analytics;
    expect(r.currency).toBe('EUR');
    expect(r.series).toEqual([{ start: '2026-11-01T00:00:00.000Z', clicks: 1, uniqueClicks: 1, conversions: 1, revenueMinor: 5_000, commissionMinor: 500 }]);
    expect(
      nonEmpty(ok(await app.gql(OVERVIEW, { i: { from: '2026-11-01T00:00:00Z', to: '2026-11-30T00:00:00Z', currency: 'EUR' } }, p.token)).analytics.series),
    ).toEqual(await recompute('EUR', '2026-11-01', '2026-11-30'));
    expect(r.topAffiliates).toEqual([
      { affiliate: { id: c.id, name: expect.any(String), email: c.email }, clicks: 1, conversions: 1, revenueMinor: 5_000, commissionMinor: 500 },
    ]);
  });

  it('buckets by ISO week and by month, whole UTC days, and filters by campaign and affiliate', async () => {
    const week = ok(await app.gql(OVERVIEW, { i: { from: '2026-11-02T13:00:00Z', to: '2026-11-10T01:00:00Z', interval: 'WEEK' } }, p.token)).analytics;
    expect(week.series.map((s: { start: string }) => s.start)).toEqual(['2026-11-02T00:00:00.000Z', '2026-11-09T00:00:00.000Z']);
    expect(week.series[0]).toMatchObject({ clicks: 6, uniqueClicks: 5, conversions: 2 });
    expect(week.series[1]).toMatchObject({ clicks: 1, revenueMinor: -5_000 });
    const oneAffiliate = ok(await app.gql(OVERVIEW, { i: { from: '2026-11-02T00:00:00Z', to: '2026-11-11T00:00:00Z', affiliateId: a.id } }, p.token)).analytics;
    expect(oneAffiliate.totals).toEqual({ clicks: 5, uniqueClicks: 4, conversions: 1, revenueMinor: 7_500, commissionMinor: 750 });
    expect(nonEmpty(oneAffiliate.series)).toEqual(await recompute('USD', '2026-11-02', '2026-11-11', a.id));
    const eurCampaign = ok(
      await app.gql(OVERVIEW, { i: { from: '2026-11-02T00:00:00Z', to: '2026-11-11T00:00:00Z', campaignId: eurCampaignId } }, p.token),
    ).analytics;
    expect(eurCampaign).toMatchObject({ currency: 'USD', totals: zero, topAffiliates: [] }); // the default currency holds no EUR campaign
    const wrong = await app.gql(
      OVERVIEW,
      { i: { from: '2026-11-02T00:00:00Z', to: '2026-11-11T00:00:00Z', campaignId: eurCampaignId, currency: 'USD' } },
      p.token,
    );
    expect(wrong.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fieldErrors: { currency: expect.any(String) } });
    const backwards = await app.gql(OVERVIEW, { i: { from: '2026-11-11T00:00:00Z', to: '2026-11-02T00:00:00Z' } }, p.token);
    expect(backwards.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fieldErrors: { to: expect.any(String) } });
  });

  it('shows a REVIEWER the counts and refuses the money', async () => {
    const reviewer = await app.newOperator(p.merchantId, OperatorRole.REVIEWER);
    const counts = ok(
      await app.gql(
        `query($i: AnalyticsInput!) { analytics(input: $i) { totals { clicks uniqueClicks conversions } topAffiliates { clicks conversions } } }`,
        { i: { from: '2026-11-02T00:00:00Z', to: '2026-11-11T00:00:00Z' } },
        reviewer.token,
      ),
    ).analytics;
    expect(counts.totals).toEqual({ clicks: 7, uniqueClicks: 6, conversions: 2 });
    const money = await app.gql(OVERVIEW, { i: { from: '2026-11-02T00:00:00Z', to: '2026-11-11T00:00:00Z' } }, reviewer.token);
    expect(money.errors!.length).toBeGreaterThan(0);
    expect(money.errors!.every((e) => e.extensions?.code === 'FORBIDDEN')).toBe(true);
    expect(money.data!.analytics.totals).toMatchObject({ clicks: 7, revenueMinor: null, commissionMinor: null });
  });

  it('shows an affiliate its own figures only, and never the overview', async () => {
    const mine = ok(await app.gql(MINE, { i: { from: '2026-11-02T00:00:00Z', to: '2026-11-11T00:00:00Z' } }, a.token)).me.analytics;
    expect(mine.currency).toBe('USD');
    expect(mine.totals).toEqual({ clicks: 5, uniqueClicks: 4, conversions: 1, revenueMinor: 7_500, commissionMinor: 750 });
    expect(nonEmpty(mine.series)).toEqual(await recompute('USD', '2026-11-02', '2026-11-11', a.id));
    // C's campaigns are in euros: that is its default.
    const theirs = ok(await app.gql(MINE, { i: { from: '2026-11-02T00:00:00Z', to: '2026-11-11T00:00:00Z' } }, c.token)).me.analytics;
    expect(theirs).toMatchObject({ currency: 'EUR', totals: { clicks: 1, uniqueClicks: 1, conversions: 1, revenueMinor: 5_000, commissionMinor: 500 } });
    const overview = await app.gql(OVERVIEW, { i: { from: '2026-11-02T00:00:00Z', to: '2026-11-11T00:00:00Z' } }, a.token);
    expect(overview.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it("never shows another merchant's figures", async () => {
    const other = await app.newMerchant();
    const r = ok(
      await app.gql(OVERVIEW, { i: { from: '2026-11-02T00:00:00Z', to: '2026-11-11T00:00:00Z', affiliateId: a.id, currency: 'USD' } }, other.token),
    ).analytics;
    expect(r.totals).toEqual(zero);
    expect(r.topAffiliates).toEqual([]);
    const byCampaign = ok(
      await app.gql(OVERVIEW, { i: { from: '2026-11-02T00:00:00Z', to: '2026-11-11T00:00:00Z', campaignId: p.campaign.id } }, other.token),
    ).analytics;
    expect(byCampaign.totals).toEqual(zero);
  });
});
