import type { EntityManager } from '@mikro-orm/postgresql';
import { uuidv7 } from '../ids.js';
import { Enrollment } from '../modules/applications/index.js';
import type { Campaign } from '../modules/campaigns/index.js';
import type { Services } from '../services.js';

const DAY = 86_400_000;
const SOURCES = [
  { utmSource: 'instagram', utmMedium: 'social', referer: 'https://instagram.com/' },
  { utmSource: 'youtube', utmMedium: 'video', referer: 'https://www.youtube.com/' },
  { utmSource: 'newsletter', utmMedium: 'email', referer: null },
  { utmSource: null, utmMedium: null, referer: 'https://blog.example/best-gear' },
];
const BROWSER = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15';

/** A small deterministic generator, so every demo database tells the same story. */
function lcg(seed: number) {
  let s = seed;
  return (n: number) => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    return s % n;
  };
}

/**
 * Clicks over the last 45 days for eight of the approved affiliates, orders from some of those
 * visitors (a few refunded), referral and unattributed orders, and the sweep that finalizes
 * commissions past the hold: every admin and portal page has something to show.
 */
export async function seedTraffic(em: EntityManager, services: Services, merchantId: string, campaign: Campaign, now: Date): Promise<void> {
  const random = lcg(42);
  const enrollments = await em.find(Enrollment, { campaign }, { orderBy: { id: 'asc' }, limit: 8 });
  const visits: { visitorId: string; at: Date }[] = [];
  for (const [i, enrollment] of enrollments.entries()) {
    const clicks = 6 + ((i * 7) % 25);
    for (let k = 0; k < clicks; k++) {
      const at = new Date(now.getTime() - random(45 * 24) * 3600_000 - random(3600) * 1000);
      const source = SOURCES[(i + k) % SOURCES.length]!;
      const bot = k % 11 === 10;
      const visitorId = `demo-visitor-${i}-${k}`;
      await services.traffic.recordClick({
        id: uuidv7(at.getTime()),
        merchantId,
        enrollmentId: enrollment.id,
        affiliateId: enrollment.affiliate.id,
        campaignId: campaign.id,
        occurredAt: at,
        referer: source.referer,
        utmSource: source.utmSource,
        utmMedium: source.utmMedium,
        utmCampaign: source.utmSource ? 'spring-drop' : null,
        utmTerm: null,
        utmContent: null,
        userAgent: bot ? 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' : BROWSER,
        ipHash: services.traffic.hashIp(`198.51.100.${(i * 31 + k) % 250}`),
        visitorId,
        isBot: bot,
        newVisitor: true, // each demo visitor clicks once
      });
      if (!bot && k % 3 === 0) visits.push({ visitorId, at });
    }
  }

  const orders: { id: string; amountMinor: number }[] = [];
  for (const [n, visit] of visits.entries()) {
    const occurredAt = new Date(Math.min(now.getTime() - 60_000, visit.at.getTime() + (5 + random(48 * 60)) * 60_000));
    const order = { id: `DEMO-${1001 + n}`, amountMinor: 2_000 + random(28_000) };
    await services.orders.recordOrder(
      em,
      merchantId,
      {
        ...order,
        currency: campaign.currency,
        occurredAt: occurredAt.toISOString(),
        visitorId: visit.visitorId,
        customerId: `customer-${n}`,
      },
      now,
    );
    orders.push(order);
  }
  const referral = await services.referrals.codeFor(em, merchantId, 'customer-loyal-7');
  for (let n = 0; n < 3; n++) {
    await services.orders.recordOrder(
      em,
      merchantId,
      {
        id: `DEMO-R${n + 1}`,
        amountMinor: 4_500 + n * 1_000,
        currency: campaign.currency,
        occurredAt: new Date(now.getTime() - (n + 2) * DAY).toISOString(),
        referralCode: referral.code,
        customerId: `friend-${n}`,
      },
      now,
    );
  }
  for (let n = 0; n < 2; n++) {
    await services.orders.recordOrder(
      em,
      merchantId,
      {
        id: `DEMO-N${n + 1}`,
        amountMinor: 3_900,
        currency: campaign.currency,
        occurredAt: new Date(now.getTime() - (n + 1) * DAY).toISOString(),
      },
      now,
    );
  }
  // A full refund, two partial ones.
  const refunds = [
    [orders[2], 1],
    [orders[4], 0.5],
    [orders.at(-2), 0.25],
  ] as const;
  for (const [i, [order, share]] of refunds.entries()) {
    if (!order) continue;
    await services.orders.recordRefund(
      em,
      merchantId,
      {
        orderId: order.id,
        id: `DEMO-REFUND-${i + 1}`,
        amountMinor: Math.round(order.amountMinor * share),
        occurredAt: new Date(now.getTime() - DAY).toISOString(),
      },
      now,
    );
  }
  await services.finalization.sweep(em.fork(), now);
}
