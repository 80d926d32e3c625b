import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, untilWaitingOnLock, type TestApp } from '../../test/harness.js';
import { PayoutFixtures } from '../../test/payouts-fixtures.js';

describe("CampaignsService's ports for payouts: holding a campaign for a batch, the schedule's due campaigns", () => {
  let app: TestApp;
  let merchantId: string;
  let other: string;
  let campaign: { id: string };

  beforeAll(async () => {
    app = await startTestApp();
    const f = new PayoutFixtures(app);
    const owner = await app.newMerchant();
    merchantId = owner.merchantId;
    campaign = await f.campaign(owner.token, { currency: 'EUR', minPayoutMinor: 2_500, payoutDayOfMonth: 5, autoExecutePayouts: true });
    other = (await app.newMerchant()).merchantId;
  });
  afterAll(() => app?.close());

  it("answers the campaign's currency and minimum, holding it until the transaction ends; another merchant's id finds nothing", async () => {
    const campaigns = app.services.campaigns;
    expect(await app.orm.em.fork().transactional((tx) => campaigns.holdForPayouts(tx, other, campaign.id))).toBeNull();
    let releaseFirst!: () => void;
    const first = app.orm.em.fork().transactional(async (tx) => {
      const held = await campaigns.holdForPayouts(tx, merchantId, campaign.id);
      await new Promise<void>((resolve) => (releaseFirst = resolve));
      return held;
    });
    while (!releaseFirst) await new Promise((r) => setTimeout(r, 10));
    let secondDone = false;
    const second = app.orm.em
      .fork()
      .transactional((tx) => campaigns.holdForPayouts(tx, merchantId, campaign.id))
      .finally(() => (secondDone = true));
    await untilWaitingOnLock(app);
    expect(secondDone).toBe(false);
    releaseFirst();
    expect(await first).toEqual({ currency: 'EUR', minPayoutMinor: 2_500 });
    expect(await second).toEqual({ currency: 'EUR', minPayoutMinor: 2_500 });
  });

  it('lists every merchant’s campaigns whose payout day has come', async () => {
    const due = (day: number) => app.services.campaigns.payoutDayReached(app.orm.em.fork(), day).then((cs) => cs.find((c) => c.id === campaign.id));
    expect(await due(4)).toBeUndefined();
    expect(await due(5)).toEqual({ id: campaign.id, merchantId, autoExecutePayouts: true });
  });
});
