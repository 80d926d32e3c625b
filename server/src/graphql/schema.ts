import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { buildSchema } from 'type-graphql';
import { authResolvers } from '../modules/auth/index.js';
import { affiliatesResolvers } from '../modules/affiliates/index.js';
import { campaignsResolvers } from '../modules/campaigns/index.js';
import { applicationsResolvers } from '../modules/applications/index.js';
import { trackingResolvers } from '../modules/tracking/index.js';
import { ordersResolvers } from '../modules/orders/index.js';
import { commissionsResolvers } from '../modules/commissions/index.js';
import { payoutsResolvers } from '../modules/payouts/index.js';
import { mailResolvers } from '../modules/mail/index.js';
import { analyticsResolvers } from '../modules/analytics/index.js';
import { stripeSalesResolvers } from '../modules/stripe-sales/index.js';
import { webhooksResolvers } from '../modules/webhooks/index.js';
import { authChecker } from './auth-checker.js';

export const resolvers = [
  ...authResolvers,
  ...affiliatesResolvers,
  ...campaignsResolvers,
  ...applicationsResolvers,
  ...trackingResolvers,
  ...ordersResolvers,
  ...commissionsResolvers,
  ...payoutsResolvers,
  ...mailResolvers,
  ...analyticsResolvers,
  ...stripeSalesResolvers,
  ...webhooksResolvers,
] as const;

let schema: Promise<GraphQLSchema> | undefined;

export function getSchema(): Promise<GraphQLSchema> {
  schema ??= buildSchema({
    resolvers,
    authChecker,
    scalarsMap: [{ type: Date, scalar: DateTimeResolver }],
    validate: false,
    emitSchemaFile: false,
  });
  return schema;
}
