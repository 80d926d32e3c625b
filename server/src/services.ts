import type { MikroORM } from '@mikro-orm/postgresql';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { AffiliatesService } from './modules/affiliates/index.js';
import { AuthService, Passwords, Team } from './modules/auth/index.js';
import { AffiliateDirectory, ApplicationsService } from './modules/applications/index.js';
import { TrafficService } from './modules/tracking/index.js';
import { CampaignsService } from './modules/campaigns/index.js';
import { OrdersService, OrderWebhookSecrets, ReferralsService } from './modules/orders/index.js';
import { CommissionsService, FinalizationService } from './modules/commissions/index.js';
import { PayoutsService, type StripeConnection } from './modules/payouts/index.js';
import { MailService } from './modules/mail/index.js';
import { AnalyticsRollups, AnalyticsService } from './modules/analytics/index.js';
import { StripeSalesService } from './modules/stripe-sales/index.js';
import { WebhooksService } from './modules/webhooks/index.js';
import { openSecretsBox } from './secrets-box.js';

/** The services, built once at start-up; resolvers and routes reach rules only through them. */
export function createServices(config: Config, orm: MikroORM, log: Logger, stripe: StripeConnection, clock: () => Date, options = { rollups: true }) {
  const secrets = openSecretsBox(config);
  const auth = new AuthService(config, secrets);
  const mail = new MailService(config, orm, log);
  const passwords = new Passwords(config, auth, mail);
  const team = new Team(config, auth, mail);
  const webhooks = new WebhooksService(config, orm, secrets, mail, auth, log, clock);
  const campaigns = new CampaignsService(config.publicUrl);
  const commissions = new CommissionsService(webhooks);
  const applications = new ApplicationsService(config, auth, campaigns, mail, webhooks);
  const traffic = new TrafficService(config, orm, log);
  // Analytics' daily figures: kept in the transactions that store orders and refunds; clicks are read from the click log (app.ts runs it).
  const rollups = new AnalyticsRollups(traffic);
  const rollup = options.rollups ? rollups : undefined;
  // A paused campaign or suspended enrollment stops its links at once, here and in every other process.
  campaigns.onChange((id) => traffic.linksChanged({ kind: 'campaign', id }));
  applications.onEnrollmentChange((id) => traffic.linksChanged({ kind: 'enrollment', id }));
  /** Orders and refunds → attribution → the conversion; the commission through `commissions`. */
  const orders = new OrdersService(commissions, { clicks: traffic, enrollments: applications, campaigns }, rollup);
  const stripeSales = new StripeSalesService({
    box: secrets,
    orders,
    campaigns,
    applications,
    clientFor: stripe.clientFor,
    publicUrl: config.publicUrl,
    live: /^(?:sk|rk)_live_/.test(config.stripe.secretKey ?? ''),
    emulatorUrl: stripe.emulator?.url ?? null,
    log,
  });
  // Approved enrollments' promotion codes are created in the merchant's sales account.
  applications.usePromotionCodes(stripeSales, log);
  // A campaign's coupon is checked in the sales account, and a changed one gives enrollments new codes.
  campaigns.useCoupons({
    missingCoupon: (em, merchantId, coupon) => stripeSales.missingCoupon(em, merchantId, coupon),
    couponChanged: (em, merchantId, campaignId) => applications.couponChanged(em, merchantId, campaignId),
  });
  return {
    auth,
    /** Password resets (mailed links) and changes, for operators and affiliates. */
    passwords,
    /** The merchant's operators: invitations, roles, removal (always one owner). */
    team,
    /** Outgoing mail: queued in the causing transaction, sent in the background (app.ts starts and closes it). */
    mail,
    /** Outgoing webhooks: the outbox other modules write events into, and the sender (app.ts starts and closes it). */
    webhooks,
    campaigns,
    applications,
    /** The affiliates list: enrolled affiliates, searched and filtered. */
    affiliateDirectory: new AffiliateDirectory(),
    orders,
    /** Each merchant's order-webhook secret, sealed with SECRETS_KEY (app.ts reseals at start-up). */
    orderWebhookSecrets: new OrderWebhookSecrets(secrets),
    referrals: new ReferralsService(),
    commissions,
    /** Each affiliate's traffic and earnings, from tracking, orders and commissions. */
    affiliates: new AffiliatesService(traffic, orders, commissions),
    /** Locks commissions after their hold (a scheduled sweep in app.ts, or an operator's action). */
    finalization: new FinalizationService(webhooks),
    /** Share links and the click log (background writer: app.ts closes it before the database). */
    traffic,
    /** Connect onboarding, payout batches and their runner (background: app.ts starts and closes it), Stripe webhooks. */
    payouts: new PayoutsService(config, orm, stripe, commissions, campaigns, log, mail, clock, webhooks),
    /** Figures per day, week or month from the daily rollups. */
    analytics: new AnalyticsService(campaigns),
    /** The rollups behind analytics (app.ts adds the stored clicks every ANALYTICS_ROLLUP_MS). */
    rollups,
    /** The Stripe account each merchant sells through: its events become orders and refunds through `orders`. */
    stripeSales,
  };
}

export type Services = ReturnType<typeof createServices>;
