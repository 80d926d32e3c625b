/** The affiliates module's front door (affiliates' accounts, the affiliates list and each one's stats): what other modules and the composition root may use. */
import { Affiliate } from './affiliate.entity.js';
import { AffiliatesResolver, MeStatsResolver } from './affiliates.resolver.js';

export { Affiliate } from './affiliate.entity.js';
export { AffiliatesService } from './affiliates.service.js';
export { AffiliateConnection } from './affiliates.resolver.js';
export { Me } from './me.types.js';
export { affiliatesPolicy } from './policy.js';

/** Entities: db/orm.ts registers every module's list. */
export const affiliatesEntities = [Affiliate];
/** Resolvers: graphql/schema.ts builds the schema from every module's list. */
export const affiliatesResolvers = [AffiliatesResolver, MeStatsResolver] as const;
