/** The payouts module's front door (payout accounts, batches and items, the exactly-once runner, Stripe webhooks): what other modules and the composition root may use. */
import { PayoutAccount } from './payout-account.entity.js';
import { PayoutBatch, PayoutItem, PayoutScheduleRun } from './payout-batch.entity.js';
import { PayoutPace } from './payout-pace.entity.js';
import { StripeEvent } from './stripe-event.entity.js';
import {
  AffiliatePayoutAccountResolver,
  ClawbackPayoutItemResolver,
  MePayoutsResolver,
  PayoutBatchesResolver,
  PayoutItemResolver,
} from './payouts.resolver.js';

export { PayoutAccount } from './payout-account.entity.js';
export type { PayoutBatch } from './payout-batch.entity.js';
export { PayoutsService } from './payouts.service.js';
export { PayoutBatchStatus } from './payout-rules.js';
export { connectStripe, type StripeConnection } from './stripe/stripe-client.js';
export { stripeWebhookRoutes } from './stripe-webhook.route.js';

/** Entities: db/orm.ts registers every module's list. */
export const payoutsEntities = [PayoutAccount, PayoutBatch, PayoutItem, PayoutScheduleRun, PayoutPace, StripeEvent];
/** Resolvers: graphql/schema.ts builds the schema from every module's list. */
export const payoutsResolvers = [
  PayoutBatchesResolver,
  PayoutItemResolver,
  MePayoutsResolver,
  AffiliatePayoutAccountResolver,
  ClawbackPayoutItemResolver,
] as const;
