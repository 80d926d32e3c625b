import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { buildSchema } from 'type-graphql';
import { AffiliateEnrollmentsResolver, ApplicationsResolver, EnrollmentResolver, MeApplicationsResolver } from '../modules/applications/applications.resolver.js';
import { AuthResolver, MeResolver } from '../modules/auth/auth.resolver.js';
import { CampaignsResolver } from '../modules/campaigns/campaigns.resolver.js';
import { OrdersResolver } from '../modules/orders/orders.resolver.js';
import { ClickResolver } from '../modules/tracking/clicks.resolver.js';
import {
  AffiliateCommissionsResolver, CommissionsResolver, ConversionCommissionResolver, MeCommissionsResolver,
} from '../modules/commissions/commissions.resolver.js';
import {
  AffiliatePayoutAccountResolver, ClawbackPayoutItemResolver, MePayoutsResolver, PayoutBatchesResolver, PayoutItemResolver,
} from '../modules/payouts/payouts.resolver.js';
import { ClawbacksResolver } from '../modules/commissions/clawbacks.resolver.js';
import { FinalizationResolver } from '../modules/commissions/finalization.resolver.js';
import { MerchantIntegrationResolver } from '../modules/orders/integration.resolver.js';
import { AffiliatesResolver, MeStatsResolver } from '../modules/affiliates/affiliates.resolver.js';
import { authChecker } from './auth-checker.js';

export const resolvers = [
  AuthResolver,
  MeResolver,
  CampaignsResolver,
  ApplicationsResolver,
  EnrollmentResolver,
  MeApplicationsResolver,
  AffiliateEnrollmentsResolver,
  MerchantIntegrationResolver,
  OrdersResolver,
  ClickResolver,
  CommissionsResolver,
  ConversionCommissionResolver,
  MeCommissionsResolver,
  FinalizationResolver,
  ClawbacksResolver,
  AffiliatesResolver,
  MeStatsResolver,
  AffiliateCommissionsResolver,
  PayoutBatchesResolver,
  PayoutItemResolver,
  MePayoutsResolver,
  AffiliatePayoutAccountResolver,
  ClawbackPayoutItemResolver,
] as const;

let schema: Promise<GraphQLSchema> | undefined;

export function getSchema(): Promise<GraphQLSchema> {
  schema ??= buildSchema({
    resolvers,
    authChecker,
    scalarsMap: [{ type: Date, scalar: DateTimeResolver }], validate: false, emitSchemaFile: false });
  return schema;
}
