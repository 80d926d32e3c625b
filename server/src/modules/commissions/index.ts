/** The commissions module's front door (commissions, adjustments, clawbacks, finalization): what other modules and the composition root may use. */
import { Clawback } from './clawback.entity.js';
import { Commission, CommissionAdjustment } from './commission.entity.js';
import { PayoutItemCommission } from './payout-link.entity.js';
import { ClawbacksResolver } from './clawbacks.resolver.js';
import { AffiliateCommissionsResolver, CommissionsResolver, ConversionCommissionResolver, MeCommissionsResolver } from './commissions.resolver.js';
import { FinalizationResolver } from './finalization.resolver.js';

export { Clawback } from './clawback.entity.js';
export { Commission, CommissionStatus } from './commission.entity.js';
export { CommissionsService, type CurrencyTotals } from './commissions.service.js';
export { FinalizationService } from './finalization.service.js';
export { commissionsCsv } from './commissions.export.js';
export { MAX_FINALIZE_IDS } from './finalization.service.js';

/** Entities: db/orm.ts registers every module's list. */
export const commissionsEntities = [Commission, CommissionAdjustment, Clawback, PayoutItemCommission];
/** Resolvers: graphql/schema.ts builds the schema from every module's list. */
export const commissionsResolvers = [
  CommissionsResolver,
  ConversionCommissionResolver,
  MeCommissionsResolver,
  FinalizationResolver,
  ClawbacksResolver,
  AffiliateCommissionsResolver,
] as const;
