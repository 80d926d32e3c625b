import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from '../../ids.js';
import { startTestApp, type TestApp } from '../../test/harness.js';
import { PayoutFixtures, type Seeded } from '../../test/payouts-fixtures.js';

const DAY = 86_400_000;

describe("CommissionsService's ports for payouts: payable totals, attaching to items, PAID, release", () => {
  let app: TestApp;
  let f: PayoutFixtures;
  let merchantId: string;
  let campaignId: string;
  let a: Seeded;
  let b: Seeded;
  const cutoff = new Date(Date.now() - DAY);

  beforeAll(async () => {
    app = await startTestApp();
    f = new PayoutFixtures(app);
    const owner = await app.newMerchant();
    merchantId = owner.merchantId;
    const campaign = await f.campaign(owner.token);
    campaignId = campaign.id;
    [a, b] = [await f.affiliate(owner.token, campaign), await f.affiliate(owner.token, campaign)];
    await f.finalized(merchantId, campaignId, a, [100, 200], new Date(Date.now() - 2 * DAY));
    await f.finalized(merchantId, campaignId, b, [50], new Date(Date.now() - 2 * DAY));
    await f.finalized(merchantId, campaignId, a, [300]);
  });
  afterAll(() => app?.close());

  const commissions = () => app.services.commissions;
  const inTx = <T>(fn: (tx: Parameters<Parameters<TestApp['orm']['em']['transactional']>[0]>[0]) => Promise<T>) => app.emFor(merchantId).transactional(fn);
  const totals = (cutoffAt: Date | null) =>
    inTx(async (tx) => {
      const rows = await commissions().payableTotals(tx, { merchantId, campaignId, cutoff: cutoffAt });
      return Object.fromEntries(rows.map((r) => [`${r.affiliateId === a.affiliateId ? 'a' : 'b'}:${r.currency}`, r.totalMinor]));
    });
  const statuses = async (itemId: string) => (await inTx((tx) => commissions().commissionsOfItems(tx, [itemId])))[0]!.map((c) => [c.amountMinor, c.status]);

  it('sums what is payable per affiliate and currency, before the cutoff when there is one', async () => {
    expect(await totals(cutoff)).toEqual({ 'a:USD': 300, 'b:USD': 50 });
    expect(await totals(null)).toEqual({ 'a:USD': 600, 'b:USD': 50 });
  });

  it('attaches each affiliate’s payable commissions to their item once; PAID only through that item; a released item frees them', async () => {
    const [itemA, itemB, again] = [uuidv7(), uuidv7(), uuidv7()];
    const attached = await inTx((tx) =>
      commissions().attachPayable(tx, { merchantId, campaignId, cutoff: null }, [
        { itemId: itemA, affiliateId: a.affiliateId, currency: 'USD' },
        { itemId: itemB, affiliateId: b.affiliateId, currency: 'USD' },
      ]),
    );
    expect(Object.fromEntries(attached)).toEqual({ [itemA]: 600, [itemB]: 50 });
    // Attached commissions are no longer payable: a second item gets none of them.
    expect(await totals(null)).toEqual({});
    const none = await inTx((tx) =>
      commissions().attachPayable(tx, { merchantId, campaignId, cutoff: null }, [{ itemId: again, affiliateId: a.affiliateId, currency: 'USD' }]),
    );
    expect(none.size).toBe(0);
    expect(await inTx((tx) => commissions().commissionsOfItems(tx, [itemA, again])).then((lists) => lists.map((l) => l.map((c) => c.amountMinor)))).toEqual([
      [100, 200, 300],
      [],
    ]);

    expect(await inTx((tx) => commissions().markPaid(tx, merchantId, itemA, new Date()))).toBe(3);
    expect(await statuses(itemA)).toEqual([
      [100, 'PAID'],
      [200, 'PAID'],
      [300, 'PAID'],
    ]);
    expect(await statuses(itemB)).toEqual([[50, 'FINALIZED']]);

    await inTx((tx) => commissions().releasePayoutItems(tx, merchantId, [itemB]));
    expect(await statuses(itemB)).toEqual([]);
    expect(await totals(null)).toEqual({ 'b:USD': 50 });
  });
});
