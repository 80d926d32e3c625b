/** The tracking module's front door (share links, the redirect, the click log and its watermarks, sorae.js): what other modules and the composition root may use. */
import { ClickFlushMark } from './click-flush-mark.entity.js';
import { Click } from './click.entity.js';
import { AffiliateClicksResolver, ClickResolver } from './clicks.resolver.js';

export { Channel } from './click.entity.js';
export { TrafficService, type CandidateClickRow, type ClickDayFigures, type ClickLookup } from './traffic.service.js';
export { ClickConnection } from './clicks.resolver.js';
export { trafficRoutes } from './redirect.route.js';
export type { ClickRecord } from './click-log.js';

/** Entities: db/orm.ts registers every module's list. */
export const trackingEntities = [Click, ClickFlushMark];
/** Resolvers: graphql/schema.ts builds the schema from every module's list. */
export const trackingResolvers = [ClickResolver, AffiliateClicksResolver] as const;
