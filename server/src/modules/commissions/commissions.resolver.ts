import { SafeIntResolver } from 'graphql-scalars';
import { Arg, Args, Authorized, Field, FieldResolver, ID, InputType, Int, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { paginate } from '../../db/pagination.js';
import { PageArgs, connectionType } from '../../graphql/connection.js';
import { Ctx, affiliateCaller, merchantCaller, type Context } from '../../graphql/context.js';
import { Affiliate } from '../auth/affiliate.entity.js';
import { Me } from '../auth/me.types.js';
import { Conversion } from '../orders/conversion.entity.js';
import { ConversionConnection } from '../orders/orders.resolver.js';
import { ClickConnection } from '../tracking/clicks.resolver.js';
import { Campaign } from '../campaigns/campaign.entity.js';
import { Commission, CommissionAdjustment, CommissionStatus } from './commission.entity.js';
import type { AffiliateTotals, CurrencyTotals } from './commissions.service.js';
import { commissionsPolicy } from './policy.js';

@InputType()
class CommissionFilter {
  @Field(() => CommissionStatus, { nullable: true })
  status?: CommissionStatus;

  @Field(() => ID, { nullable: true })
  affiliateId?: string;

  @Field(() => ID, { nullable: true })
  campaignId?: string;
}

@ObjectType({ description: "An affiliate's commission sums in one currency (minor units of it)." })
export class CurrencyStats implements CurrencyTotals {
  @Field({ description: 'ISO 4217 code.' })
  currency!: string;

  @Authorized(commissionsPolicy.earnings)
  @Field(() => SafeIntResolver)
  pendingMinor!: number;

  @Authorized(commissionsPolicy.earnings)
  @Field(() => SafeIntResolver)
  finalizedMinor!: number;

  @Authorized(commissionsPolicy.earnings)
  @Field(() => SafeIntResolver)
  paidMinor!: number;
}

@ObjectType({
  description:
    'AFFILIATE traffic and commission totals (REFERRAL never counts). Money is never added across currencies: ' +
    '`byCurrency` has one entry per currency, and pendingMinor, finalizedMinor and paidMinor are the entry of `currency`, ' +
    "the currency of the campaign the affiliate joined first. That choice does not change as they earn, so the fields keep " +
    'one meaning for an integration that reads them, and in a program with one currency (most) they are its whole totals.',
})
export class AffiliateStats implements AffiliateTotals {
  @Field(() => Int)
  clicks!: number;

  @Field(() => Int, { description: 'AFFILIATE conversions.' })
  conversions!: number;

  @Field(() => String, {
    nullable: true,
    description: 'The currency of pendingMinor, finalizedMinor and paidMinor: byCurrency[0]. Null (and the sums 0) before the affiliate has an enrollment or a commission.',
  })
  currency!: string | null;

  @Authorized(commissionsPolicy.earnings)
  @Field(() => SafeIntResolver, { description: 'PENDING commissions, in `currency`.' })
  pendingMinor!: number;

  @Authorized(commissionsPolicy.earnings)
  @Field(() => SafeIntResolver, { description: 'FINALIZED commissions not yet paid, in `currency`.' })
  finalizedMinor!: number;

  @Authorized(commissionsPolicy.earnings)
  @Field(() => SafeIntResolver, { description: 'PAID commissions, in `currency`.' })
  paidMinor!: number;

  @Field(() => [CurrencyStats], {
    description: "Every currency of the affiliate's campaigns (at zero until earned) and commissions, in the order they joined the campaigns; never summed together.",
  })
  byCurrency!: CurrencyStats[];
}

export const CommissionConnection = connectionType('Commission', Commission);
export const AffiliateConnection = connectionType('Affiliate', Affiliate);

const totalsLoader = (ctx: Context) => {
  const merchantId = ctx.caller.kind === 'anonymous' ? '' : ctx.caller.merchantId;
  return ctx.loaders.keyed('affiliateTotals', (ids: readonly string[]) => ctx.services.commissions.totals(ctx.em, merchantId, ids));
};

@Resolver(() => Commission)
export class CommissionsResolver {
  @Authorized(commissionsPolicy.read)
  @Query(() => CommissionConnection, { description: 'Commissions, newest first (FINANCE and OWNER operators, API keys).' })
  async commissions(
    @Arg('filter', () => CommissionFilter, { nullable: true }) filter: CommissionFilter | undefined,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: Context,
  ) {
    return CommissionConnection.from(await ctx.services.commissions.list(ctx.em, merchantCaller(ctx).merchantId, filter, page));
  }

  @FieldResolver(() => Affiliate)
  affiliate(@Root() c: Commission, @Ctx() ctx: Context) {
    return ctx.loaders.byId(Affiliate).load(c.affiliate.id);
  }

  @FieldResolver(() => Campaign)
  campaign(@Root() c: Commission, @Ctx() ctx: Context) {
    return ctx.loaders.byId(Campaign).load(c.campaign.id);
  }

  @FieldResolver(() => Conversion)
  conversion(@Root() c: Commission, @Ctx() ctx: Context) {
    return ctx.loaders.byId(Conversion).load(c.conversion.id);
  }

  @FieldResolver(() => [CommissionAdjustment], { description: 'Oldest first; amountMinor = originalAmountMinor + the sum of these.' })
  adjustments(@Root() c: Commission, @Ctx() ctx: Context) {
    return ctx.loaders.keyed('commissionAdjustments', (ids: readonly string[]) => ctx.services.commissions.adjustmentsOf(ctx.em, ids)).load(c.id);
  }
}

@Resolver(() => Conversion)
export class ConversionCommissionResolver {
  @FieldResolver(() => ID, { nullable: true, description: 'AFFILIATE conversions: their commission.' })
  commissionId(@Root() c: Conversion, @Ctx() ctx: Context) {
    return ctx.loaders.keyed('commissionIdByConversion', (ids: readonly string[]) => ctx.services.commissions.idsByConversion(ctx.em, ids)).load(c.id);
  }
}

@Resolver(() => Me)
export class MeCommissionsResolver {
  @FieldResolver(() => AffiliateStats)
  stats(@Ctx() ctx: Context) {
    return totalsLoader(ctx).load(affiliateCaller(ctx).affiliateId);
  }

  @FieldResolver(() => CommissionConnection, { description: 'My commissions, newest first.' })
  async commissions(@Args(() => PageArgs) page: PageArgs, @Ctx() ctx: Context) {
    const caller = affiliateCaller(ctx);
    return CommissionConnection.from(await ctx.services.commissions.list(ctx.em, caller.merchantId, { affiliateId: caller.affiliateId }, page));
  }
}

/** Operators' affiliate pages; an affiliate reaching these fields (me.affiliate) sees only itself. */
@Resolver(() => Affiliate)
export class AffiliatePerformanceResolver {
  @Authorized(commissionsPolicy.affiliates)
  @Query(() => AffiliateConnection, { description: 'Affiliates, newest first, with stats (three aggregate queries per page).' })
  async affiliates(@Args(() => PageArgs) page: PageArgs, @Ctx() ctx: Context) {
    return AffiliateConnection.from(await paginate(ctx.em, Affiliate, { merchant: merchantCaller(ctx).merchantId }, page));
  }

  @Authorized(commissionsPolicy.affiliates)
  @Query(() => Affiliate, { nullable: true })
  affiliate(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return ctx.loaders.byId(Affiliate).load(id);
  }

  @Authorized(commissionsPolicy.affiliateRecord)
  @FieldResolver(() => AffiliateStats, { description: 'Counts for every operator; the money in it for FINANCE and OWNER, reading keys and the affiliate.' })
  stats(@Root() a: Affiliate, @Ctx() ctx: Context) {
    return totalsLoader(ctx).load(a.id);
  }

  @Authorized(commissionsPolicy.affiliateRecord)
  @FieldResolver(() => ClickConnection, { description: 'Clicks on this affiliate\'s links, newest first.' })
  async clicks(@Root() a: Affiliate, @Args(() => PageArgs) page: PageArgs, @Ctx() ctx: Context) {
    return ClickConnection.from(await ctx.services.commissions.clicksOf(ctx.em, a.merchant.id, a.id, page));
  }

  @Authorized(commissionsPolicy.affiliateRecord)
  @FieldResolver(() => ConversionConnection, { description: 'AFFILIATE conversions won by this affiliate, newest first (amounts for those who see money).' })
  async conversions(@Root() a: Affiliate, @Args(() => PageArgs) page: PageArgs, @Ctx() ctx: Context) {
    return ConversionConnection.from(await ctx.services.orders.conversions(ctx.em, a.merchant.id, { affiliateId: a.id }, page));
  }

  @Authorized(commissionsPolicy.affiliateCommissions)
  @FieldResolver(() => CommissionConnection)
  async commissions(@Root() a: Affiliate, @Args(() => PageArgs) page: PageArgs, @Ctx() ctx: Context) {
    return CommissionConnection.from(await ctx.services.commissions.list(ctx.em, a.merchant.id, { affiliateId: a.id }, page));
  }
}
