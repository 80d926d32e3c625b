/** The analytics module's front door (daily rollups of clicks, conversions and money, and the analytics API): what the composition root may use. */
import { AnalyticsResolver, MyAnalyticsResolver } from './analytics.resolver.js';

export { AnalyticsService } from './analytics.service.js';
export { AnalyticsRollups } from './rollups.js';

/** Resolvers: graphql/schema.ts builds the schema from every module's list. */
export const analyticsResolvers = [AnalyticsResolver, MyAnalyticsResolver] as const;
