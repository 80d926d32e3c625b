/** The campaigns module's front door (campaigns, commission rules, their application forms): what other modules and the composition root may use. */
import { Campaign } from './campaign.entity.js';
import { CampaignsResolver } from './campaigns.resolver.js';

export { Campaign } from './campaign.entity.js';
export { CampaignStatus, CommissionDuration, CommissionType } from './campaign.enums.js';
export { CampaignsService, type AttributionTerms, type CampaignCoupons } from './campaigns.service.js';

/** Entities: db/orm.ts registers every module's list. */
export const campaignsEntities = [Campaign];
/** Resolvers: graphql/schema.ts builds the schema from every module's list. */
export const campaignsResolvers = [CampaignsResolver] as const;
