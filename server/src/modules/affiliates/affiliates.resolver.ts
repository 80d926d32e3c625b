import { SafeIntResolver } from 'graphql-scalars';
import { Arg, Authorized, Field, FieldResolver, ID, Int, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { connectionType } from '../../graphql/connection.js';
import { Ctx, affiliateCaller, type Context } from '../../graphql/context.js';
import { Me } from './me.types.js';
import type { CurrencyTotals } from '../commissions/index.js';
import { Affiliate } from './affiliate.entity.js';
import type { AffiliateTotals } from './affiliates.service.js';
import { affiliatesPolicy } from './policy.js';

@ObjectType({ description: "An affiliate's commission sums in one currency (minor units of it)." })
export class CurrencyStats implements CurrencyTotals {
  @Field({ description: 'ISO 4217 code.' })
  currency!: string;

  @Authorized(affiliatesPolicy.earnings)
  @Field(() => SafeIntResolver)
  pendingMinor!: number;

  @Authorized(affiliatesPolicy.earnings)
  @Field(() => SafeIntResolver)
  finalizedMinor!: number;

  @Authorized(affiliatesPolicy.earnings)
  @Field(() => SafeIntResolver)
  paidMinor!: number;
}

@ObjectType({
  description:
    'AFFILIATE traffic and commission totals (REFERRAL never counts). Money is never added across currencies: ' +
    '`byCurrency` has one entry per currency, and pendingMinor, finalizedMinor and paidMinor are the entry of `currency`, ' +
    'the currency of the campaign the affiliate joined first. That choice does not change as they earn, so the fields keep ' +
    'one meaning for an integration that reads them, and in a program with one currency (most) they are its whole totals.',
})
export class AffiliateStats implements AffiliateTotals {
  @Field(() => Int)
  clicks!: number;

  @Field(() => Int, { description: 'AFFILIATE conversions.' })
  conversions!: number;

  @Field(() => String, {
    nullable: true,
    description:
      'The currency of pendingMinor, finalizedMinor and paidMinor: byCurrency[0]. Null (and the sums 0) before the affiliate has an enrollment or a commission.',
  })
  currency!: string | null;

  @Authorized(affiliatesPolicy.earnings)
  @Field(() => SafeIntResolver, { description: 'PENDING commissions, in `currency`.' })
  pendingMinor!: number;

  @Authorized(affiliatesPolicy.earnings)
  @Field(() => SafeIntResolver, { description: 'FINALIZED commissions not yet paid, in `currency`.' })
  finalizedMinor!: number;

  @Authorized(affiliatesPolicy.earnings)
  @Field(() => SafeIntResolver, { description: 'PAID commissions, in `currency`.' })
  paidMinor!: number;

  @Field(() => [CurrencyStats], {
    description:
      "Every currency of the affiliate's campaigns (at zero until earned) and commissions, in the order they joined the campaigns; never summed together.",
  })
  byCurrency!: CurrencyStats[];
}

export const AffiliateConnection = connectionType('Affiliate', Affiliate);

const totalsLoader = (ctx: Context) => {
  const merchantId = ctx.caller.kind === 'anonymous' ? '' : ctx.caller.merchantId;
  return ctx.loaders.keyed('affiliateTotals', (ids: readonly string[]) => ctx.services.affiliates.totals(ctx.em, merchantId, ids));
};

/**
 * An affiliate's page and stats; an affiliate reaching these fields (me.affiliate) sees only itself.
 * The list (`affiliates`) is applications': an affiliate there is someone with an enrollment.
 */
@Resolver(() => Affiliate)
export class AffiliatesResolver {
  @Authorized(affiliatesPolicy.list)
  @Query(() => Affiliate, { nullable: true })
  affiliate(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return ctx.loaders.byId(Affiliate).load(id);
  }

  @Authorized(affiliatesPolicy.record)
  @FieldResolver(() => AffiliateStats, { description: 'Counts for every operator; the money in it for FINANCE and OWNER, reading keys and the affiliate.' })
  stats(@Root() a: Affiliate, @Ctx() ctx: Context) {
    return totalsLoader(ctx).load(a.id);
  }
}

@Resolver(() => Me)
export class MeStatsResolver {
  @FieldResolver(() => AffiliateStats)
  stats(@Ctx() ctx: Context) {
    return totalsLoader(ctx).load(affiliateCaller(ctx).affiliateId);
  }
}
