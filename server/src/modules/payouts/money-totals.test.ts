// Money past 2^31 minor units (GraphQL Int's limit) and programs in several currencies, at the
// API's edge: an IDR campaign reaches 2^31 minor units of commission (about $1,350).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, uniq, type TestApp } from '../../test/harness.js';
import { click, orderBody, postWebhook } from '../../test/orders-fixtures.js';
import { PayoutFixtures, type Seeded } from '../../test/payouts-fixtures.js';

const INT_LIMIT = 2 ** 31;
const HALF = 2 ** 30;

const STATS = `{ me { stats { clicks conversions currency pendingMinor finalizedMinor paidMinor byCurrency { currency pendingMinor finalizedMinor paidMinor } } } }`;
const AFFILIATES = `query($first: Int) { affiliates(first: $first) { edges { node { id stats { currency pendingMinor finalizedMinor paidMinor byCurrency { currency pendingMinor finalizedMinor paidMinor } } } } } }`;

describe('money totals past 2^31 minor units, per currency', () => {
  let app: TestApp;
  let f: PayoutFixtures;
  let owner: Awaited<ReturnType<TestApp['newMerchant']>>;
  let secret: string;
  let idr: { id: string; slug: string };
  let usd: { id: string; slug: string };

  /** A real order attributed through a click on the enrollment's link (a PENDING commission at the campaign's rule). */
  const order = async (a: Seeded, campaignId: string, currency: string) => {
    const visitorId = uniq('v');
    const p = { merchantId: owner.merchantId, secret, campaign: { id: campaignId, slug: '' }, affiliates: [], token: owner.token };
    await click(app, p, { id: a.affiliateId, email: a.email, enrollmentId: a.enrollmentId, token: a.token }, { visitorId, campaignId });
    const res = await postWebhook(app, p, orderBody({ visitorId, currency, amountMinor: 2_000_000_000 }));
    expect(res.body.conversion).toMatchObject({ channel: 'AFFILIATE', commissionId: expect.any(String) });
  };

  beforeAll(async () => {
    app = await startTestApp({ STRIPE_EMULATOR_RATE: '0', PAYOUT_RATE_PER_SECOND: '200', PAYOUT_RETRY_BASE_MS: '20', PAYOUT_TICK_MS: '200' });
    f = new PayoutFixtures(app);
    owner = await app.newMerchant();
    secret = (await app.gql(`mutation { rotateOrderWebhookSecret }`, {}, owner.token)).data!.rotateOrderWebhookSecret;
    usd = await f.campaign(owner.token, { currency: 'USD', commission: { type: 'FLAT', amountMinor: 500 } });
    idr = await f.campaign(owner.token, { currency: 'IDR', commission: { type: 'FLAT', amountMinor: HALF } });
  });
  afterAll(() => app?.close());

  it("2^31 minor units in one affiliate's stats: the portal and the admin affiliates list answer them", async () => {
    const big = await f.affiliate(owner.token, idr);
    await order(big, idr.id, 'IDR');
    await order(big, idr.id, 'IDR');

    const me = await app.gql(STATS, {}, big.token);
    expect(me.errors).toBeUndefined();
    expect(me.data!.me.stats).toEqual({
      clicks: 2,
      conversions: 2,
      currency: 'IDR',
      pendingMinor: INT_LIMIT,
      finalizedMinor: 0,
      paidMinor: 0,
      byCurrency: [{ currency: 'IDR', pendingMinor: INT_LIMIT, finalizedMinor: 0, paidMinor: 0 }],
    });

    const list = await app.gql(AFFILIATES, { first: 50 }, owner.token);
    expect(list.errors).toBeUndefined();
    const row = list.data!.affiliates.edges.find((e: any) => e.node.id === big.affiliateId).node;
    expect(row.stats).toMatchObject({ currency: 'IDR', pendingMinor: INT_LIMIT, byCurrency: [{ currency: 'IDR', pendingMinor: INT_LIMIT }] });
  });

  it("two currencies are never summed: the existing fields are in the first campaign's currency, byCurrency lists each", async () => {
    const two = await f.affiliate(owner.token, usd);
    const twoIdr = await f.join(owner.token, idr, two.email);
    await order(two, usd.id, 'USD');
    await order(twoIdr, idr.id, 'IDR');
    await f.finalized(owner.merchantId, usd.id, two, [700]);

    const expected = {
      currency: 'USD',
      pendingMinor: 500,
      finalizedMinor: 700,
      paidMinor: 0,
      byCurrency: [
        { currency: 'USD', pendingMinor: 500, finalizedMinor: 700, paidMinor: 0 },
        { currency: 'IDR', pendingMinor: HALF, finalizedMinor: 0, paidMinor: 0 },
      ],
    };
    const me = await app.gql(STATS, {}, two.token);
    expect(me.errors).toBeUndefined();
    // The finalized commission came with its own AFFILIATE conversion.
    expect(me.data!.me.stats).toEqual({ clicks: 2, conversions: 3, ...expected });

    const list = await app.gql(AFFILIATES, { first: 50 }, owner.token);
    expect(list.errors).toBeUndefined();
    expect(list.data!.affiliates.edges.find((e: any) => e.node.id === two.affiliateId).node.stats).toEqual(expected);

    // An affiliate with nothing earned yet: the first campaign's currency, at zero.
    const fresh = await f.affiliate(owner.token, idr);
    expect((await app.gql(STATS, {}, fresh.token)).data!.me.stats).toEqual({
      clicks: 0,
      conversions: 0,
      currency: 'IDR',
      pendingMinor: 0,
      finalizedMinor: 0,
      paidMinor: 0,
      byCurrency: [{ currency: 'IDR', pendingMinor: 0, finalizedMinor: 0, paidMinor: 0 }],
    });
  });

  it('a payout batch over 2^31 in total is built, returned, listed, executed through the emulator and shown in me.payouts', async () => {
    const payee = await f.affiliate(owner.token, idr);
    const account = await f.onboard(payee);
    const [first] = await f.finalized(owner.merchantId, idr.id, payee, [HALF + 1, HALF + 1]);
    await f.clawback(owner.merchantId, first!, -1);
    await f.emulator('/_emulator/balance', { currency: 'idr', amount: 4 * INT_LIMIT });
    const net = INT_LIMIT + 1;

    const created = await app.gql(
      `mutation($input: CreatePayoutBatchInput!) { createPayoutBatch(input: $input) { id status currency totalMinor
        items { edges { node { amountMinor grossMinor clawbackMinor affiliate { id } } } } } }`,
      { input: { campaignId: idr.id, period: '2026-11' } },
      owner.token,
    );
    expect(created.errors).toBeUndefined();
    const batch = created.data!.createPayoutBatch;
    expect(batch).toMatchObject({ status: 'DRAFT', currency: 'IDR', totalMinor: net });
    expect(batch.items.edges.map((e: any) => e.node)).toEqual([
      { amountMinor: net, grossMinor: INT_LIMIT + 2, clawbackMinor: -1, affiliate: { id: payee.affiliateId } },
    ]);

    const listed = await app.gql(`{ payoutBatches(first: 10) { edges { node { id totalMinor } } } }`, {}, owner.token);
    expect(listed.errors).toBeUndefined();
    expect(listed.data!.payoutBatches.edges.map((e: any) => e.node)).toContainEqual({ id: batch.id, totalMinor: net });

    expect((await app.gql(`mutation($id: ID!) { executePayoutBatch(id: $id) { id status } }`, { id: batch.id }, owner.token)).errors).toBeUndefined();
    expect(await f.settle(owner.token, batch.id)).toMatchObject({ status: 'COMPLETED', progress: { pending: 0, posted: 1, failed: 0 } });
    const transfers = (await f.transfers()).filter((t) => t.destination === account);
    expect(transfers.map((t) => t.amount)).toEqual([net]);

    const mine = await app.gql(
      `{ me { payouts(first: 10) { edges { node { amountMinor grossMinor currency status stripeTransferId batch { period } } } } stats { paidMinor } } }`,
      {},
      payee.token,
    );
    expect(mine.errors).toBeUndefined();
    expect(mine.data!.me.payouts.edges.map((e: any) => e.node)).toEqual([
      { amountMinor: net, grossMinor: INT_LIMIT + 2, currency: 'IDR', status: 'POSTED', stripeTransferId: transfers[0]!.id, batch: { period: '2026-11' } },
    ]);
    expect(mine.data!.me.stats.paidMinor).toBe(INT_LIMIT + 2);
  });
});
