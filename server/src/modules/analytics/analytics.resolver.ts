import { Arg, Authorized, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { Ctx, affiliateCaller, merchantCaller, type Context } from '../../graphql/context.js';
import { Affiliate, Me } from '../affiliates/index.js';
import { Analytics, AnalyticsInput, MyAnalytics, MyAnalyticsInput, TopAffiliate } from './analytics.types.js';
import { analyticsPolicy } from './policy.js';

@Resolver(() => Analytics)
export class AnalyticsResolver {
  @Authorized(analyticsPolicy.overview)
  @Query(() => Analytics, { description: 'The merchant’s figures over a period: totals, a series of buckets and the top affiliates.' })
  analytics(@Arg('input', () => AnalyticsInput) input: AnalyticsInput, @Ctx() ctx: Context): Promise<Analytics> {
    return ctx.services.analytics.overview(ctx.em, merchantCaller(ctx).merchantId, input);
  }

  @FieldResolver(() => [TopAffiliate], {
    description: 'The affiliates with the most revenue in the period (then conversions, clicks); 10 by default, at most 100.',
  })
  async topAffiliates(@Root() a: Analytics, @Arg('first', () => Int, { nullable: true }) first: number | null, @Ctx() ctx: Context): Promise<TopAffiliate[]> {
    const rows = await ctx.services.analytics.topAffiliates(ctx.em, a.selection, first);
    const affiliates = await ctx.loaders.byId(Affiliate).loadMany(rows.map((r) => r.affiliateId));
    return rows.flatMap((r, i) => {
      const affiliate = affiliates[i];
      return affiliate instanceof Affiliate ? [{ ...r, affiliate }] : [];
    });
  }
}

@Resolver(() => Me)
export class MyAnalyticsResolver {
  @FieldResolver(() => MyAnalytics, { description: 'The signed-in affiliate’s own figures over a period.' })
  analytics(@Arg('input', () => MyAnalyticsInput) input: MyAnalyticsInput, @Ctx() ctx: Context): Promise<MyAnalytics> {
    const caller = affiliateCaller(ctx);
    return ctx.services.analytics.ofAffiliate(ctx.em, caller.merchantId, caller.affiliateId, input);
  }
}
