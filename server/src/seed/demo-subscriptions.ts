import type { EntityManager } from '@mikro-orm/postgresql';
import { uuidv7 } from '../ids.js';
import type { MerchantCaller } from '../modules/auth/index.js';
import { Enrollment, ReviewDecision } from '../modules/applications/index.js';
import { CommissionDuration, CommissionType } from '../modules/campaigns/index.js';
import type { Services } from '../services.js';

/** The demo's membership: Maya's subscriber, who has paid three months so far. */
export const DEMO_SUBSCRIPTION = 'sub_demo_membership';

const BROWSER = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

/**
 * A subscription program: 20% of every membership payment for its first 12 months, with a
 * Stripe coupon, so each partner has a promotion code. Two of the creators join; a shopper who
 * clicked Maya's link subscribed two months ago and has renewed twice (commissions 1, 2 and 3
 * of 12), and another bought with Liam's promotion code, without a click.
 */
export async function seedSubscriptions(
  em: EntityManager,
  services: Services,
  caller: MerchantCaller,
  partners: { email: string; name: string; password: string }[],
  now: Date,
): Promise<void> {
  const merchantId = caller.merchantId;
  const campaign = await services.campaigns.create(em, merchantId, {
    name: 'Membership Partners',
    slug: 'members',
    description: 'Partners earn 20% of every membership payment for the first 12 months. Your promotion code gives your audience 10% off.',
    destinationUrl: 'https://shop.example.com/membership?ref=sorae',
    currency: 'USD',
    commission: { type: CommissionType.PERCENTAGE, rateBps: 2000, duration: CommissionDuration.MONTHS, durationMonths: 12 },
    stripeCouponId: 'PARTNER10',
    attributionWindowDays: 30,
    holdDays: 30,
    minPayoutMinor: 2000,
    payoutDayOfMonth: 1,
  });
  const ids: string[] = [];
  for (const p of partners) ids.push((await services.applications.apply(em, { campaignSlug: campaign.slug, ...p, answers: [] })).application.id);
  await services.applications.review(em, caller, { ids, decision: ReviewDecision.APPROVE }, now);
  const [maya, liam] = await Promise.all(ids.map((id) => em.findOneOrFail(Enrollment, { application: id })));

  // Billing months start on the 1st: two months ago, last month, this month.
  const period = (n: number) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 2 + n, 1));
  const clickedAt = new Date(period(0).getTime() - 2 * 3600_000);
  const visitorId = 'demo-member-visitor';
  await services.traffic.recordClick({
    id: uuidv7(clickedAt.getTime()),
    merchantId,
    enrollmentId: maya!.id,
    affiliateId: maya!.affiliate.id,
    campaignId: campaign.id,
    occurredAt: clickedAt,
    referer: 'https://www.youtube.com/',
    utmSource: 'youtube',
    utmMedium: 'video',
    utmCampaign: 'membership',
    utmTerm: null,
    utmContent: null,
    userAgent: BROWSER,
    ipHash: services.traffic.hashIp('203.0.113.77'),
    visitorId,
    isBot: false,
    newVisitor: true,
  });
  for (let n = 0; n < 3; n++) {
    await services.orders.recordOrder(
      em,
      merchantId,
      {
        id: `DEMO-SUB-${n + 1}`,
        amountMinor: 2_900,
        currency: campaign.currency,
        occurredAt: period(n).toISOString(),
        // Only the first payment carries the click: renewals follow the subscription.
        visitorId: n === 0 ? visitorId : null,
        customerId: 'customer-member-1',
        subscription: { id: DEMO_SUBSCRIPTION, periodStart: period(n).toISOString() },
      },
      // Recorded as it was paid, so the chain reads newest first and each was earned on its day.
      period(n),
    );
  }
  await services.orders.recordOrder(
    em,
    merchantId,
    {
      id: 'DEMO-PROMO-1',
      amountMinor: 4_900,
      currency: campaign.currency,
      occurredAt: new Date(now.getTime() - 3 * 86_400_000).toISOString(),
      customerId: 'customer-member-2',
      // Shoppers type codes in any case; Stripe and Sorae match them ignoring it.
      couponCode: liam!.promotionCode!.toLowerCase(),
    },
    new Date(now.getTime() - 3 * 86_400_000),
  );
}
