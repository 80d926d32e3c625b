import type { MikroORM } from '@mikro-orm/postgresql';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { AffiliatesService } from './modules/affiliates/index.js';
import { AuthService } from './modules/auth/index.js';
import { ApplicationsService } from './modules/applications/index.js';
import { TrafficService } from './modules/tracking/index.js';
import { CampaignsService } from './modules/campaigns/index.js';
import { OrdersService, OrderWebhookSecrets, ReferralsService } from './modules/orders/index.js';
import { CommissionsService, FinalizationService } from './modules/commissions/index.js';
import { PayoutsService, type StripeConnection } from './modules/payouts/index.js';
import { MailService } from './modules/mail/index.js';
import { StripeSalesService } from './modules/stripe-sales/index.js';
import { openSecretsBox } from './secrets-box.js';

/** The services, built once at start-up; resolvers and routes reach rules only through them. */
export function createServices(config: Config, orm: MikroORM, log: Logger, stripe: StripeConnection, clock: () => Date) {
  const secrets = openSecretsBox(config);
  const auth = new AuthService(config, secrets);
  const mail = new MailService(config, orm, log);
  const campaigns = new CampaignsService(config.publicUrl);
  const commissions = new CommissionsService();
  const applications = new ApplicationsService(config, auth, campaigns, mail);
  const traffic = new TrafficService(config, orm, log);
  // A paused campaign or suspended enrollment stops its links at once, here and in every other process.
  campaigns.onChange((id) => traffic.linksChanged({ kind: 'campaign', id }));
  applications.onEnrollmentChange((id) => traffic.linksChanged({ kind: 'enrollment', id }));
  /** Orders and refunds → attribution → the conversion; the commission through `commissions`. */
  const orders = new OrdersService(commissions, traffic);
  const stripeSales = new StripeSalesService({
    box: secrets,
    orders,
    clientFor: stripe.clientFor,
    publicUrl: config.publicUrl,
    live: /^(?:sk|rk)_live_/.test(config.stripe.secretKey ?? ''),
    emulatorUrl: stripe.emulator?.url ?? null,
    log,
  });
  // Approved enrollments' promotion codes are created in the merchant's sales account.
  applications.usePromotionCodes(stripeSales, log);
  return {
    auth,
    /** Outgoing mail: queued in the causing transaction, sent in the background (app.ts starts and closes it). */
    mail,
    campaigns,
    applications,
    orders,
    /** Each merchant's order-webhook secret, sealed with SECRETS_KEY (app.ts reseals at start-up). */
    orderWebhookSecrets: new OrderWebhookSecrets(secrets),
    referrals: new ReferralsService(),
    commissions,
    /** The affiliates list and each one's traffic and earnings, from tracking, orders and commissions. */
    affiliates: new AffiliatesService(traffic, orders, commissions),
    /** Locks commissions after their hold (a scheduled sweep in app.ts, or an operator's action). */
    finalization: new FinalizationService(),
    /** Share links and the click log (background writer: app.ts closes it before the database). */
    traffic,
    /** Connect onboarding, payout batches and their runner (background: app.ts starts and closes it), Stripe webhooks. */
    payouts: new PayoutsService(config, orm, stripe, commissions, log, mail, clock),
    /** The Stripe account each merchant sells through: its events become orders and refunds through `orders`. */
    stripeSales,
  };
}

export type Services = ReturnType<typeof createServices>;
