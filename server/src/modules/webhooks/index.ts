/**
 * Outgoing webhooks: the front door. Modules that cause events write them through the
 * `WebhookOutbox` port (`WebhooksService` implements it) in the transaction of their change;
 * the sender POSTs them in the Standard Webhooks format.
 */
import { WebhookAttempt, WebhookDelivery, WebhookEndpoint } from './webhook.entity.js';
import { WebhookDeliveryResolver, WebhooksResolver } from './webhooks.resolver.js';

export { WEBHOOK_EVENTS, type OutgoingEvent, type WebhookEventType, type WebhookOutbox } from './events.js';
export { WebhooksService } from './webhooks.service.js';

/** Entities: db/orm.ts registers every module's list. */
export const webhooksEntities = [WebhookEndpoint, WebhookDelivery, WebhookAttempt];
/** Resolvers: graphql/schema.ts builds the schema from every module's list. */
export const webhooksResolvers = [WebhooksResolver, WebhookDeliveryResolver] as const;
