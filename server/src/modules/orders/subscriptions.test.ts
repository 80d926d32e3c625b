import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, uniq, type TestApp } from '../../test/harness.js';
import { click, counts, orderBody, postWebhook, program, type Program } from '../../test/orders-fixtures.js';

const CHAIN = `query($filter: CommissionFilter) {
  commissions(filter: $filter) { totalCount edges { node { sequence subscriptionId durationMonths amountMinor affiliate { id } conversion { orderId attribution { rule winner { matchedBy } } } } } }
}`;
const ATTRIBUTION = `query($id: ID!) { affiliate(id: $id) { conversions { edges { node { orderId attribution { rule winner { promotionCode clickId matchedBy } touches { clickId promotionCode reason } } } } } } }`;
const SET_STATUS = `mutation($id: ID!, $status: EnrollmentStatus!) { setEnrollmentStatus(id: $id, status: $status) { status } }`;

/** The start of billing month `n` of a monthly plan begun on January 5th of last year. */
const month = (n: number) => new Date(Date.UTC(new Date().getUTCFullYear() - 1, n - 1, 5, 12)).toISOString();

describe("a subscription's payments and promotion codes (order ingestion)", () => {
  let app: TestApp;
  let p: Program;

  /** One payment of a subscription, through the webhook, with nothing else that could attribute it. */
  const pay = (subscription: string, n: number, extra: Record<string, unknown> = {}) =>
    postWebhook(
      app,
      p,
      orderBody({
        id: `${subscription}-inv-${n}`,
        amountMinor: 5_000,
        occurredAt: month(n),
        subscription: { id: subscription, periodStart: month(n) },
        ...extra,
      }),
    );

  beforeAll(async () => {
    app = await startTestApp();
    p = await program(app, {
      affiliates: 2,
      stripeCouponId: 'coupon_partner10',
      commission: { type: 'PERCENTAGE', rateBps: 1000, duration: 'MONTHS', durationMonths: 12 },
    });
  });
  afterAll(() => app?.close());

  it("later payments earn the first payment's affiliate, months 1 to 12, without a click; the 13th earns nothing; a replay changes nothing", async () => {
    const sub = uniq('sub_');
    const visitor = uniq('v');
    await click(app, p, p.affiliates[0]!, { visitorId: visitor, occurredAt: new Date(Date.parse(month(1)) - 3600_000) });
    const firstPayment = await pay(sub, 1, { visitorId: visitor });
    expect(firstPayment.body.conversion).toMatchObject({ channel: 'AFFILIATE', commissionId: expect.any(String) });
    for (const n of [2, 12]) expect((await pay(sub, n)).body.conversion).toMatchObject({ channel: 'AFFILIATE', commissionId: expect.any(String) });
    expect((await pay(sub, 13)).body.conversion).toMatchObject({ channel: 'NONE', commissionId: null });

    // The same renewal again, under a new event id and under its own: the recorded answer, nothing written.
    const before = await counts(app, p.merchantId);
    const again = await pay(sub, 2);
    const body = orderBody({ id: `${sub}-inv-2`, amountMinor: 5_000, occurredAt: month(2), subscription: { id: sub, periodStart: month(2) } });
    expect((await postWebhook(app, p, body)).body).toEqual(again.body);
    expect((await postWebhook(app, p, body)).body).toEqual(again.body);
    expect(await counts(app, p.merchantId)).toEqual({ ...before, events: before.events + 2 });
    // Another period under a recorded order id is other content: a CONFLICT.
    const moved = await postWebhook(
      app,
      p,
      orderBody({ id: `${sub}-inv-2`, amountMinor: 5_000, occurredAt: month(2), subscription: { id: sub, periodStart: month(3) } }),
    );
    expect(moved.status).toBe(409);

    const chain = await app.gql(CHAIN, { filter: { subscriptionId: sub } }, p.token);
    expect(chain.errors).toBeUndefined();
    expect(chain.data!.commissions.edges.map((e: any) => e.node)).toEqual(
      [12, 2, 1].map((sequence) => ({
        sequence,
        subscriptionId: sub,
        durationMonths: 12,
        amountMinor: 500,
        affiliate: { id: p.affiliates[0]!.id },
        conversion: {
          orderId: `${sub}-inv-${sequence}`,
          attribution:
            sequence === 1 ? { rule: 'LAST_TOUCH', winner: { matchedBy: ['visitorId'] } } : { rule: 'SUBSCRIPTION', winner: { matchedBy: ['subscription'] } },
        },
      })),
    );
  });

  it('a suspended enrollment earns no more renewals; reactivated, it earns again', async () => {
    const sub = uniq('sub_');
    const visitor = uniq('v');
    await click(app, p, p.affiliates[1]!, { visitorId: visitor, occurredAt: new Date(Date.parse(month(1)) - 3600_000) });
    expect((await pay(sub, 1, { visitorId: visitor })).body.conversion.channel).toBe('AFFILIATE');
    await app.gql(SET_STATUS, { id: p.affiliates[1]!.enrollmentId, status: 'SUSPENDED' }, p.token);
    expect((await pay(sub, 2)).body.conversion).toMatchObject({ channel: 'NONE', commissionId: null });
    await app.gql(SET_STATUS, { id: p.affiliates[1]!.enrollmentId, status: 'ACTIVE' }, p.token);
    expect((await pay(sub, 3)).body.conversion.channel).toBe('AFFILIATE');
    const chain = await app.gql(CHAIN, { filter: { subscriptionId: sub } }, p.token);
    expect(chain.data!.commissions.edges.map((e: any) => e.node.sequence)).toEqual([3, 1]);
  });

  it('a renewal whose first payment earned nobody earns nothing, even with a click of its own', async () => {
    const sub = uniq('sub_');
    expect((await pay(sub, 1)).body.conversion.channel).toBe('NONE');
    const visitor = uniq('v');
    await click(app, p, p.affiliates[0]!, { visitorId: visitor, occurredAt: new Date(Date.parse(month(2)) - 3600_000) });
    expect((await pay(sub, 2, { visitorId: visitor })).body.conversion).toMatchObject({ channel: 'NONE', commissionId: null });
  });

  it("an affiliate's promotion code, in any case, wins over another affiliate's older click", async () => {
    const [clicker, promoter] = [p.affiliates[0]!, p.affiliates[1]!];
    expect(promoter.promotionCode).toMatch(/^[A-Z0-9]+$/);
    const visitor = uniq('v');
    const clickId = await click(app, p, clicker, { visitorId: visitor, occurredAt: new Date(Date.now() - 86_400_000) });
    const orderId = uniq('ord_');
    const r = await postWebhook(app, p, orderBody({ id: orderId, visitorId: visitor, couponCode: promoter.promotionCode!.toLowerCase() }));
    expect(r.body.conversion).toMatchObject({ channel: 'AFFILIATE', commissionId: expect.any(String) });
    const seen = await app.gql(ATTRIBUTION, { id: promoter.id }, p.token);
    const conversion = seen.data!.affiliate.conversions.edges.map((e: any) => e.node).find((n: any) => n.orderId === orderId);
    expect(conversion.attribution).toEqual({
      rule: 'LAST_TOUCH',
      winner: { promotionCode: promoter.promotionCode, clickId: null, matchedBy: ['promotionCode'] },
      touches: [
        { clickId: null, promotionCode: promoter.promotionCode, reason: 'WON' },
        { clickId, promotionCode: null, reason: 'EARLIER_THAN_WINNER' },
      ],
    });
    // A coupon that is no affiliate's code is no touch at all.
    const plain = await postWebhook(app, p, orderBody({ couponCode: 'SUMMER-SALE' }));
    expect(plain.body.conversion.channel).toBe('NONE');
  });

  it('an archived campaign earns no more renewals', async () => {
    const sub = uniq('sub_');
    const visitor = uniq('v');
    await click(app, p, p.affiliates[0]!, { visitorId: visitor, occurredAt: new Date(Date.parse(month(1)) - 3600_000) });
    expect((await pay(sub, 1, { visitorId: visitor })).body.conversion.channel).toBe('AFFILIATE');
    await app.gql(`mutation($id: ID!) { updateCampaign(id: $id, input: { status: ARCHIVED }) { status } }`, { id: p.campaign.id }, p.token);
    expect((await pay(sub, 2)).body.conversion).toMatchObject({ channel: 'NONE', commissionId: null });
  });
});
