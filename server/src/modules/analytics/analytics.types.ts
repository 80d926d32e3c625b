import { SafeIntResolver } from 'graphql-scalars';
import { Authorized, Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { Affiliate } from '../affiliates/index.js';
import type { AnalyticsSelection } from './analytics.service.js';
import { analyticsPolicy } from './policy.js';

export enum AnalyticsInterval {
  DAY = 'DAY',
  WEEK = 'WEEK',
  MONTH = 'MONTH',
}
registerEnumType(AnalyticsInterval, { name: 'AnalyticsInterval', description: 'Buckets of the series: UTC days, ISO weeks (from Monday) or calendar months.' });

@InputType({ description: 'Whole UTC days: every day that [from, to) touches.' })
export class AnalyticsInput {
  @Field()
  from!: Date;

  @Field()
  to!: Date;

  @Field(() => AnalyticsInterval, { nullable: true, description: 'DAY when omitted.' })
  interval?: AnalyticsInterval | null;

  @Field(() => ID, { nullable: true })
  campaignId?: string | null;

  @Field(() => ID, { nullable: true })
  affiliateId?: string | null;

  @Field(() => String, { nullable: true, description: 'ISO 4217; by default the currency of most of the merchant’s campaigns.' })
  currency?: string | null;
}

@InputType()
export class MyAnalyticsInput {
  @Field()
  from!: Date;

  @Field()
  to!: Date;

  @Field(() => AnalyticsInterval, { nullable: true, description: 'DAY when omitted.' })
  interval?: AnalyticsInterval | null;

  @Field(() => String, { nullable: true, description: 'ISO 4217; by default the currency of most of the affiliate’s campaigns.' })
  currency?: string | null;
}

/** The figures of a period, in the answer's currency. */
export interface Figures {
  clicks: number;
  uniqueClicks: number;
  conversions: number;
  revenueMinor: number;
  commissionMinor: number;
}

@ObjectType({
  description:
    'AFFILIATE-channel figures; bots never count. Money is net of refunds and in the answer’s currency only; a reversal (refund adjustment or clawback) counts on the day of its refund.',
})
export class AnalyticsFigures implements Figures {
  @Field(() => SafeIntResolver, { description: 'Clicks on share links, bots excluded.' })
  clicks!: number;

  @Field(() => SafeIntResolver, { description: 'A visitor counted once per link per hour.' })
  uniqueClicks!: number;

  @Field(() => SafeIntResolver, { description: 'Orders attributed to an affiliate (on the order’s day).' })
  conversions!: number;

  @Authorized(analyticsPolicy.money)
  @Field(() => SafeIntResolver, { nullable: true, description: 'Order amounts less refunds (FINANCE and OWNER, keys with READ, the affiliate itself).' })
  revenueMinor!: number;

  @Authorized(analyticsPolicy.money)
  @Field(() => SafeIntResolver, { nullable: true, description: 'Commissions as the ledger holds them: accrued, less refund adjustments and clawbacks.' })
  commissionMinor!: number;
}

@ObjectType({ description: 'One bucket of the series; empty buckets are present with zeros.' })
export class AnalyticsBucket extends AnalyticsFigures {
  @Field({ description: 'The bucket’s first instant (00:00 UTC of its first day).' })
  start!: Date;
}

@ObjectType()
export class TopAffiliate {
  @Field(() => Affiliate)
  affiliate!: Affiliate;

  @Field(() => SafeIntResolver)
  clicks!: number;

  @Field(() => SafeIntResolver)
  conversions!: number;

  @Authorized(analyticsPolicy.money)
  @Field(() => SafeIntResolver, { nullable: true })
  revenueMinor!: number;

  @Authorized(analyticsPolicy.money)
  @Field(() => SafeIntResolver, { nullable: true })
  commissionMinor!: number;
}

@ObjectType({ description: 'An affiliate’s own figures (me.analytics).' })
export class MyAnalytics {
  @Field({ description: 'The currency of every money figure.' })
  currency!: string;

  @Field(() => AnalyticsFigures)
  totals!: AnalyticsFigures;

  @Field(() => [AnalyticsBucket])
  series!: AnalyticsBucket[];
}

@ObjectType({ description: 'The merchant’s figures over a period (operators).' })
export class Analytics extends MyAnalytics {
  /** What topAffiliates asks again (not in the schema). */
  selection!: AnalyticsSelection;
}

export const TOP_AFFILIATES_DEFAULT = 10;
export const TOP_AFFILIATES_MAX = 100;
