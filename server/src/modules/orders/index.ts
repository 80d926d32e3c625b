/** The orders module's front door (orders, refunds, their webhook and secrets, referral codes, attribution and conversions): what other modules and the composition root may use. */
import { Conversion } from './conversion.entity.js';
import { OrderWebhookSecret } from './order-webhook-secret.entity.js';
import { Order, Refund } from './order.entity.js';
import { ReferralCode } from './referral-code.entity.js';
import { WebhookEvent } from './webhook-event.entity.js';
import { MerchantIntegrationResolver, OrderWebhookLogResolver } from './integration.resolver.js';
import { OrderWebhookDelivery } from './order-webhook-delivery.entity.js';
import { AffiliateConversionsResolver, OrdersResolver } from './orders.resolver.js';

export { Conversion } from './conversion.entity.js';
export { Refund } from './order.entity.js';
export { OrdersService } from './orders.service.js';
export { ReferralsService } from './referrals.service.js';
export type { AccrualInput, CommissionAccrual, ConversionFigures, ConversionRollup, RefundFigures } from './ports.js';
export { OrderWebhookSecrets } from './webhook-secrets.js';
export { orderWebhookRoutes, signPayload } from './orders-webhook.route.js';
export { ConversionConnection } from './orders.resolver.js';

/** Entities: db/orm.ts registers every module's list. */
export const ordersEntities = [Order, Refund, Conversion, ReferralCode, WebhookEvent, OrderWebhookSecret, OrderWebhookDelivery];
/** Resolvers: graphql/schema.ts builds the schema from every module's list. */
export const ordersResolvers = [MerchantIntegrationResolver, OrderWebhookLogResolver, OrdersResolver, AffiliateConversionsResolver] as const;
