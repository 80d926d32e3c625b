/** The stripe-sales module's front door (the Stripe account a merchant sells through: connection, and its events as orders and refunds). */
import { StripeSalesAccount, StripeSalesEvent } from './stripe-sales.entity.js';
import { StripeSalesResolver } from './stripe-sales.resolver.js';

export { StripeSalesService } from './stripe-sales.service.js';
export { stripeSalesWebhookRoutes } from './stripe-sales-webhook.route.js';

/** Entities: db/orm.ts registers every module's list. */
export const stripeSalesEntities = [StripeSalesAccount, StripeSalesEvent];
/** Resolvers: graphql/schema.ts builds the schema from every module's list. */
export const stripeSalesResolvers = [StripeSalesResolver] as const;
