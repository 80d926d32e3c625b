import { Arg, Args, Authorized, Field, FieldResolver, ID, InputType, Int, Query, Resolver, Root } from 'type-graphql';
import { PageArgs, connectionType } from '../../graphql/connection.js';
import { Ctx, affiliateCaller, merchantCaller, type Context } from '../../graphql/context.js';
import { Affiliate, Me } from '../affiliates/index.js';
import { Conversion } from '../orders/index.js';
import { Campaign, CommissionDuration } from '../campaigns/index.js';
import { Commission, CommissionAdjustment, CommissionStatus } from './commission.entity.js';
import { commissionsPolicy } from './policy.js';

@InputType()
class CommissionFilter {
  @Field(() => CommissionStatus, { nullable: true })
  status?: CommissionStatus;

  @Field(() => ID, { nullable: true })
  affiliateId?: string;

  @Field(() => ID, { nullable: true })
  campaignId?: string;

  @Field(() => String, { nullable: true, description: "A subscription's chain of commissions." })
  subscriptionId?: string;
}

export const CommissionConnection = connectionType('Commission', Commission);
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

  @FieldResolver(() => Int, {
    nullable: true,
    description: "How many billing months of a subscription earn under the campaign's rule now: durationMonths for MONTHS, 1 for ONCE, null for FOREVER.",
  })
  async durationMonths(@Root() c: Commission, @Ctx() ctx: Context) {
    const campaign = await ctx.loaders.byId(Campaign).load(c.campaign.id);
    if (!campaign || campaign.commissionDuration === CommissionDuration.FOREVER) return null;
    return campaign.commissionDuration === CommissionDuration.MONTHS ? (campaign.commissionDurationMonths ?? null) : 1;
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
  @FieldResolver(() => CommissionConnection, { description: 'My commissions, newest first.' })
  async commissions(@Args(() => PageArgs) page: PageArgs, @Ctx() ctx: Context) {
    const caller = affiliateCaller(ctx);
    return CommissionConnection.from(await ctx.services.commissions.list(ctx.em, caller.merchantId, { affiliateId: caller.affiliateId }, page));
  }
}

/** An affiliate's commissions, on the operators' affiliate pages. */
@Resolver(() => Affiliate)
export class AffiliateCommissionsResolver {
  @Authorized(commissionsPolicy.affiliateCommissions)
  @FieldResolver(() => CommissionConnection)
  async commissions(@Root() a: Affiliate, @Args(() => PageArgs) page: PageArgs, @Ctx() ctx: Context) {
    return CommissionConnection.from(await ctx.services.commissions.list(ctx.em, a.merchant.id, { affiliateId: a.id }, page));
  }
}
