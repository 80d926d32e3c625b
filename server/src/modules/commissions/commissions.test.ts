import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, uniq, type TestApp } from '../../test/harness.js';
import { click, orderBody, postWebhook, program, refundBody, type Program } from '../../test/orders-fixtures.js';
import { OperatorRole } from '../auth/index.js';

const COMMISSIONS = `query($filter: CommissionFilter, $first: Int, $after: String) {
  commissions(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node {
      id status amountMinor originalAmountMinor currency finalizedAt affiliate { id email } campaign { id }
      conversion { id orderId channel occurredAt attribution { winner { clickId channel occurredAt } touches { clickId channel occurredAt affiliateId } rule } }
      adjustments { kind amountMinor reason createdAt }
    } }
  }
}`;

const RECORD_ORDER = `mutation($input: RecordOrderInput!) { recordOrder(input: $input) { conversion { id orderId channel commissionId } } }`;
const RECORD_REFUND = `mutation($input: RecordRefundInput!) { recordRefund(input: $input) { refund { refundId amountMinor } conversion { id commissionId } } }`;

describe('commissions, referrals and affiliate pages (GraphQL)', () => {
  let app: TestApp;
  let p: Program;
  let apiKey: string;
  const visitor = uniq('shared-visitor');
  let orderId: string;
  const orderedAt = new Date().toISOString();

  beforeAll(async () => {
    app = await startTestApp();
    p = await program(app, { affiliates: 3 });
    apiKey = (await app.gql(`mutation { createApiKey(name: "store") { key } }`, {}, p.token)).data!.createApiKey.key;
    // The same shopper clicked affiliate 0's link, then affiliate 1's: affiliate 1 wins.
    await click(app, p, p.affiliates[0]!, { visitorId: visitor, occurredAt: new Date(Date.now() - 2 * 86_400_000) });
    await click(app, p, p.affiliates[1]!, { visitorId: visitor, occurredAt: new Date(Date.now() - 86_400_000) });
    orderId = uniq('ord_');
    const r = await app.gql(RECORD_ORDER, { input: { id: orderId, amountMinor: 20_000, currency: 'USD', occurredAt: orderedAt, visitorId: visitor } }, apiKey);
    expect(r.errors).toBeUndefined();
    await app.gql(RECORD_REFUND, { input: { orderId, id: uniq('re_'), amountMinor: 5_000, occurredAt: new Date().toISOString() } }, apiKey);
    // More commissions for pagination: one order per affiliate visit.
    for (let i = 0; i < 5; i++) {
      const v = uniq('v');
      await click(app, p, p.affiliates[i % 3]!, { visitorId: v });
      await postWebhook(app, p, orderBody({ visitorId: v }));
    }
  });
  afterAll(() => app?.close());

  it('recordOrder is idempotent by order id; recordRefund by refund id', async () => {
    // The same order again (a different one under this id is a CONFLICT: orders-graphql.test.ts).
    const again = await app.gql(
      RECORD_ORDER,
      { input: { id: orderId, amountMinor: 20_000, currency: 'USD', occurredAt: orderedAt, visitorId: visitor } },
      apiKey,
    );
    expect(again.data!.recordOrder.conversion).toMatchObject({ orderId, channel: 'AFFILIATE' });
    const bad = await app.gql(RECORD_ORDER, { input: { id: uniq('o'), amountMinor: -5, currency: 'usd', occurredAt: new Date().toISOString() } }, apiKey);
    expect(bad.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fieldErrors: { amountMinor: expect.any(String) } });
    const early = await app.gql(
      RECORD_REFUND,
      { input: { orderId: 'never-recorded', id: uniq('re_'), amountMinor: 5, occurredAt: new Date().toISOString() } },
      apiKey,
    );
    expect(early.errors![0]!.extensions!.code).toBe('CONFLICT');
  });

  it('operators see the commission with its explanation and adjustments, in a bounded number of statements', async () => {
    const one = await app.gql(COMMISSIONS, { first: 1 }, p.token);
    const page = await app.gql(COMMISSIONS, { first: 50 }, p.token);
    expect(page.errors).toBeUndefined();
    expect(page.data!.commissions.totalCount).toBe(6);
    expect(page.statements).toBe(one.statements);
    expect(page.statements).toBeLessThanOrEqual(8);
    const node = page.data!.commissions.edges.map((e: any) => e.node).find((n: any) => n.conversion.orderId === orderId);
    expect(node).toMatchObject({
      status: 'PENDING',
      originalAmountMinor: 2000,
      amountMinor: 1500,
      currency: 'USD',
      affiliate: { id: p.affiliates[1]!.id, email: p.affiliates[1]!.email },
      campaign: { id: p.campaign.id },
      conversion: { channel: 'AFFILIATE', attribution: { rule: 'LAST_TOUCH', winner: { channel: 'AFFILIATE' } } },
      adjustments: [{ kind: 'REFUND', amountMinor: -500 }],
    });
    expect(node.conversion.attribution.touches.map((t: any) => t.affiliateId)).toEqual([p.affiliates[1]!.id, p.affiliates[0]!.id]);
  });

  it('filters by status, affiliate and campaign, and pages with cursors', async () => {
    const byAffiliate = await app.gql(COMMISSIONS, { filter: { affiliateId: p.affiliates[1]!.id } }, p.token);
    expect(byAffiliate.data!.commissions.edges.every((e: any) => e.node.affiliate.id === p.affiliates[1]!.id)).toBe(true);
    const reversed = await app.gql(COMMISSIONS, { filter: { status: 'REVERSED' } }, p.token);
    expect(reversed.data!.commissions.totalCount).toBe(0);
    const first = await app.gql(COMMISSIONS, { first: 4, filter: { campaignId: p.campaign.id } }, p.token);
    const rest = await app.gql(COMMISSIONS, { first: 4, after: first.data!.commissions.pageInfo.endCursor, filter: { campaignId: p.campaign.id } }, p.token);
    expect(first.data!.commissions.edges.length + rest.data!.commissions.edges.length).toBe(6);
    expect(rest.data!.commissions.pageInfo.hasNextPage).toBe(false);
  });

  it('roles: FINANCE and OWNER read commissions, REVIEWER may not; REVIEWER may not record orders', async () => {
    const finance = await app.newOperator(p.merchantId, OperatorRole.FINANCE);
    const reviewer = await app.newOperator(p.merchantId, OperatorRole.REVIEWER);
    expect((await app.gql(COMMISSIONS, {}, finance.token)).data!.commissions.totalCount).toBe(6);
    expect((await app.gql(COMMISSIONS, {}, reviewer.token)).errors![0]!.extensions!.code).toBe('FORBIDDEN');
    const rec = await app.gql(
      RECORD_ORDER,
      { input: { id: uniq('o'), amountMinor: 1, currency: 'USD', occurredAt: new Date().toISOString() } },
      reviewer.token,
    );
    expect(rec.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    expect((await app.gql(`mutation { rotateOrderWebhookSecret }`, {}, finance.token)).errors![0]!.extensions!.code).toBe('FORBIDDEN');
    expect((await app.gql(`mutation { rotateOrderWebhookSecret }`, {}, apiKey)).errors![0]!.extensions!.code).toBe('FORBIDDEN');
    expect((await app.gql(COMMISSIONS, {})).errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
    expect((await app.gql(COMMISSIONS, {}, p.affiliates[0]!.token)).errors![0]!.extensions!.code).toBe('FORBIDDEN');
  });

  it('tenancy: another merchant sees none of it', async () => {
    const other = await app.newMerchant();
    expect((await app.gql(COMMISSIONS, {}, other.token)).data!.commissions.totalCount).toBe(0);
    expect((await app.gql(COMMISSIONS, { filter: { affiliateId: p.affiliates[1]!.id } }, other.token)).data!.commissions.totalCount).toBe(0);
    expect((await app.gql(`query($id: ID!) { affiliate(id: $id) { id } }`, { id: p.affiliates[1]!.id }, other.token)).data!.affiliate).toBeNull();
    expect((await app.gql(`{ affiliates { totalCount } }`, {}, other.token)).data!.affiliates.totalCount).toBe(0);
    expect((await app.gql(`{ referralConversions { totalCount } }`, {}, other.token)).data!.referralConversions.totalCount).toBe(0);
    // Its own refund for our order id is "order not recorded".
    const theirKey = (await app.gql(`mutation { createApiKey(name: "x") { key } }`, {}, other.token)).data!.createApiKey.key;
    const r = await app.gql(RECORD_REFUND, { input: { orderId, id: uniq('re_'), amountMinor: 5, occurredAt: new Date().toISOString() } }, theirKey);
    expect(r.errors![0]!.extensions!.code).toBe('CONFLICT');
  });

  it("the winning affiliate sees its commission in the portal, other affiliates' identities hidden", async () => {
    const me = await app.gql(
      `{ me { stats { clicks conversions pendingMinor finalizedMinor paidMinor }
      commissions(first: 10) { totalCount edges { node { amountMinor conversion { orderId attribution { winner { clickId } touches { clickId affiliateId } } } } } } } }`,
      {},
      p.affiliates[1]!.token,
    );
    expect(me.errors).toBeUndefined();
    const mine = me.data!.me.commissions.edges.map((e: any) => e.node).find((n: any) => n.conversion.orderId === orderId);
    expect(mine.amountMinor).toBe(1500);
    expect(mine.conversion.attribution.touches.map((t: any) => t.affiliateId)).toEqual([p.affiliates[1]!.id, null]);
    // Another affiliate's click id is hidden too: it could be a shopper's visitor id.
    expect(mine.conversion.attribution.touches.map((t: any) => t.clickId === null)).toEqual([false, true]);
    expect(me.data!.me.stats).toMatchObject({ clicks: 3, conversions: 3, finalizedMinor: 0, paidMinor: 0 });
    expect(me.data!.me.stats.pendingMinor).toBe(1500 + 2 * 1000);
    // Affiliate 0 sees none of affiliate 1's commissions.
    const other = await app.gql(`{ me { commissions { edges { node { conversion { orderId } } } } } }`, {}, p.affiliates[0]!.token);
    expect(other.data!.me.commissions.edges.map((e: any) => e.node.conversion.orderId)).not.toContain(orderId);
  });

  it("an affiliate sees a stable pseudonym for each shopper's visitor id, never the id itself", async () => {
    const CLICKS = `query($id: ID!) { affiliate(id: $id) { clicks(first: 10) { edges { node { id visitorId } } } } }`;
    const ids = (r: any) => new Map<string, string>(r.data!.affiliate.clicks.edges.map((e: any) => [e.node.id, e.node.visitorId]));
    const operatorView = ids(await app.gql(CLICKS, { id: p.affiliates[1]!.id }, p.token));
    const mine = await app.gql(`{ me { affiliate { clicks(first: 10) { edges { node { id visitorId } } } } } }`, {}, p.affiliates[1]!.token);
    expect(mine.errors).toBeUndefined();
    const affiliateView = new Map<string, string>(mine.data!.me.affiliate.clicks.edges.map((e: any) => [e.node.id, e.node.visitorId]));
    const sharedClick = [...operatorView].find(([, v]) => v === visitor)![0];
    expect(affiliateView.get(sharedClick)).toMatch(/^p_[A-Za-z0-9_-]{22}$/);
    for (const [clickId, real] of operatorView) expect(affiliateView.get(clickId)).not.toBe(real);
    // Stable: the same shopper shows as the same pseudonym to the other affiliate they clicked.
    const other = await app.gql(`{ me { affiliate { clicks(first: 10) { edges { node { visitorId } } } } } }`, {}, p.affiliates[0]!.token);
    expect(other.data!.me.affiliate.clicks.edges.map((e: any) => e.node.visitorId)).toContain(affiliateView.get(sharedClick));
  });

  it('admin affiliates list: clicks, conversions and pending commission per affiliate, set-based', async () => {
    const LIST = `query($first: Int) { affiliates(first: $first) { totalCount edges { node { id email stats { clicks conversions pendingMinor } } } } }`;
    const one = await app.gql(LIST, { first: 1 }, p.token);
    const all = await app.gql(LIST, { first: 50 }, p.token);
    expect(all.statements).toBe(one.statements);
    const byId = new Map(all.data!.affiliates.edges.map((e: any) => [e.node.id, e.node.stats]));
    expect(byId.get(p.affiliates[1]!.id)).toEqual({ clicks: 3, conversions: 3, pendingMinor: 3500 });
    expect(byId.get(p.affiliates[0]!.id)).toMatchObject({ clicks: 3, conversions: 2 });
    const detail = await app.gql(
      `query($id: ID!) { affiliate(id: $id) { email clicks(first: 10) { totalCount edges { node { id visitorId } } }
      conversions { totalCount edges { node { orderId channel commissionId } } } commissions { totalCount } } }`,
      { id: p.affiliates[1]!.id },
      p.token,
    );
    expect(detail.errors).toBeUndefined();
    expect(detail.data!.affiliate).toMatchObject({ clicks: { totalCount: 3 }, conversions: { totalCount: 3 }, commissions: { totalCount: 3 } });
    // An affiliate cannot read another one through me.affiliate-like paths.
    const reviewer = await app.newOperator(p.merchantId, OperatorRole.REVIEWER);
    const r = await app.gql(
      `query($id: ID!) { affiliate(id: $id) { stats { clicks } commissions { totalCount } } }`,
      { id: p.affiliates[1]!.id },
      reviewer.token,
    );
    expect(r.errors![0]!.extensions!.code).toBe('FORBIDDEN');
  });

  it('referral codes: one per customer, REFERRAL conversions listed, never in affiliate totals or commissions', async () => {
    const a = await app.gql(`mutation { createReferralCode(customerId: "cust-42") { code customerId } }`, {}, apiKey);
    const b = await app.gql(`mutation { createReferralCode(customerId: "cust-42") { code } }`, {}, p.token);
    expect(a.data!.createReferralCode.code).toMatch(/^R[0-9A-Z]{8}$/);
    expect(b.data!.createReferralCode.code).toBe(a.data!.createReferralCode.code);
    const before = await app.gql(`{ commissions { totalCount } }`, {}, p.token);
    // The shopper clicked affiliate 2's link earlier, then checked out with a friend's code.
    const v = uniq('v');
    await click(app, p, p.affiliates[2]!, { visitorId: v });
    const r = await postWebhook(app, p, orderBody({ visitorId: v, referralCode: a.data!.createReferralCode.code.toLowerCase(), customerId: 'cust-7' }));
    expect(r.body.conversion).toMatchObject({ channel: 'REFERRAL', commissionId: null });
    const list = await app.gql(
      `{ referralConversions { totalCount edges { node { channel referrerCustomerId referralCode attribution { winner { channel } touches { channel } } } } } }`,
      {},
      p.token,
    );
    expect(list.data!.referralConversions.edges[0].node).toMatchObject({
      channel: 'REFERRAL',
      referrerCustomerId: 'cust-42',
      referralCode: a.data!.createReferralCode.code,
    });
    expect((await app.gql(`{ commissions { totalCount } }`, {}, p.token)).data!.commissions.totalCount).toBe(before.data!.commissions.totalCount);
    const stats = await app.gql(`query($id: ID!) { affiliate(id: $id) { stats { conversions } } }`, { id: p.affiliates[2]!.id }, p.token);
    expect(stats.data!.affiliate.stats.conversions).toBe(1);
    // A referral code alone, no click or visitor: still a REFERRAL conversion.
    const alone = await postWebhook(app, p, orderBody({ referralCode: a.data!.createReferralCode.code, customerId: 'cust-8' }));
    expect(alone.status).toBe(200);
    expect(alone.body.conversion).toMatchObject({ channel: 'REFERRAL', commissionId: null });
  });

  it('a full refund through the webhook leaves the commission REVERSED at 0 in the list', async () => {
    const v = uniq('v');
    await click(app, p, p.affiliates[2]!, { visitorId: v });
    const order = orderBody({ visitorId: v, amountMinor: 777 });
    const { body } = await postWebhook(app, p, order);
    await postWebhook(app, p, refundBody(order.order.id, { amountMinor: 777 }));
    const r = await app.gql(COMMISSIONS, { filter: { status: 'REVERSED' } }, p.token);
    expect(r.data!.commissions.edges.map((e: any) => e.node)).toEqual([
      expect.objectContaining({
        id: body.conversion.commissionId,
        amountMinor: 0,
        originalAmountMinor: 78,
        adjustments: [expect.objectContaining({ amountMinor: -78 })],
      }),
    ]);
  });
});
