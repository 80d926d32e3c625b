import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Authorized, Field, FieldResolver, ID, Info, InputType, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { SafeIntResolver } from 'graphql-scalars';
import { PageArgs, connectionType, pageOf } from '../../graphql/connection.js';
import { Ctx, affiliateCaller, merchantCaller, type Context } from '../../graphql/context.js';
import { Affiliate, Me } from '../affiliates/index.js';
import { authPolicy } from '../auth/index.js';
import { Campaign } from '../campaigns/index.js';
import { Clawback, Commission } from '../commissions/index.js';
import { PayoutAccountStatus } from './payout-account.entity.js';
import { PayoutBatch, PayoutItem, PayoutSkipReason, type SkippedRow } from './payout-batch.entity.js';
import { PayoutItemStatus } from './payout-rules.js';
import { payoutsPolicy } from './policy.js';

@InputType()
class CreatePayoutBatchInput {
  @Field(() => ID)
  campaignId!: string;

  @Field({ description: 'The month it pays for, e.g. "2026-11".' })
  period!: string;
}

@ObjectType({ description: 'What a scheduled batch would pay if it were built now, in one currency.' })
class PayoutPreview {
  @Field()
  currency!: string;

  @Field(() => SafeIntResolver, { description: 'The total of the items it would send.' })
  amountMinor!: number;

  @Field(() => Int, { description: 'Affiliates it would pay.' })
  affiliates!: number;

  @Field(() => SafeIntResolver, { description: 'Carried forward until these affiliates connect a payout account that can receive transfers.' })
  awaitingAccountMinor!: number;

  @Field(() => Int)
  awaitingAccountAffiliates!: number;
}

@ObjectType()
class OnboardingLink {
  @Field({ description: "Stripe's onboarding page; it returns to the portal's Get paid page." })
  url!: string;
}

@ObjectType('PayoutAccount', { description: "An affiliate's Stripe Connect account and whether payouts can be sent to it." })
class PayoutAccountView {
  @Field(() => PayoutAccountStatus)
  status!: PayoutAccountStatus;

  @Field(() => String, { nullable: true })
  stripeAccountId!: string | null;

  @Field()
  payoutsEnabled!: boolean;

  @Field(() => Date, { nullable: true })
  updatedAt!: Date | null;
}

@ObjectType({ description: 'An affiliate carried forward: their commissions wait for a later batch.' })
class PayoutSkip {
  @Field(() => Affiliate)
  affiliate!: Affiliate;

  @Field(() => SafeIntResolver, { description: 'The net amount that was not paid.' })
  amountMinor!: number;

  @Field()
  currency!: string;

  @Field(() => PayoutSkipReason)
  reason!: PayoutSkipReason;

  @Field({ description: 'The reason in words.' })
  message!: string;
}

@ObjectType()
class PayoutProgress {
  @Field(() => Int)
  pending!: number;

  @Field(() => Int)
  posted!: number;

  @Field(() => Int)
  failed!: number;
}

export const PayoutBatchConnection = connectionType('PayoutBatch', PayoutBatch);
export const PayoutItemConnection = connectionType('PayoutItem', PayoutItem);

const SKIP_MESSAGES: Record<PayoutSkipReason, string> = {
  [PayoutSkipReason.BELOW_MINIMUM]: "Below the campaign's minimum payout; carried forward",
  [PayoutSkipReason.PAYOUT_ACCOUNT_NOT_READY]: 'No Stripe account with payouts enabled; carried forward until the affiliate connects one',
  [PayoutSkipReason.NET_NOT_POSITIVE]: 'Clawbacks cancel out the commissions (net ≤ 0); carried forward',
};

const readiness = (ctx: Context) => ctx.loaders.keyed('payoutReadiness', (ids: readonly string[]) => ctx.services.payouts.accounts.readiness(ctx.em, ids));

@Resolver(() => PayoutBatch)
export class PayoutBatchesResolver {
  @Authorized(payoutsPolicy.send)
  @Mutation(() => PayoutBatch, {
    description: 'One PENDING item per affiliate and currency over FINALIZED, unpaid commissions minus clawbacks (DRAFT until executed).',
  })
  createPayoutBatch(@Arg('input', () => CreatePayoutBatchInput) input: CreatePayoutBatchInput, @Ctx() ctx: Context) {
    return ctx.services.payouts.createBatch(ctx.em, merchantCaller(ctx).merchantId, input, ctx.now());
  }

  @Authorized(payoutsPolicy.send)
  @Mutation(() => PayoutBatch, { description: 'Starts sending the PENDING items and returns at once; poll progress.' })
  executePayoutBatch(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return ctx.services.payouts.execute(ctx.em, merchantCaller(ctx).merchantId, id, ctx.now());
  }

  @Authorized(payoutsPolicy.send)
  @Mutation(() => PayoutBatch, { description: 'Re-executes the FAILED items only (each reconciled with Stripe first).' })
  retryFailedPayoutItems(@Arg('batchId', () => ID) batchId: string, @Ctx() ctx: Context) {
    return ctx.services.payouts.retryFailed(ctx.em, merchantCaller(ctx).merchantId, batchId);
  }

  @Authorized(payoutsPolicy.send)
  @Mutation(() => ID, { description: 'Deletes a DRAFT batch (nothing was sent); its commissions and clawbacks go to the next batch. Returns its id.' })
  discardPayoutBatch(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return ctx.services.payouts.discard(ctx.em, merchantCaller(ctx).merchantId, id);
  }

  @Authorized(payoutsPolicy.read)
  @Query(() => PayoutBatch, { nullable: true })
  payoutBatch(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return ctx.loaders.byId(PayoutBatch).load(id);
  }

  @Authorized(payoutsPolicy.read)
  @Query(() => [PayoutPreview], {
    description:
      "What the campaign's scheduled batch for `period` (a month like 2026-11) would pay if it were built now, per currency: finalized commissions less clawbacks, over the campaign's minimum. Builds nothing.",
  })
  payoutPreview(@Arg('campaignId', () => ID) campaignId: string, @Arg('period') period: string, @Ctx() ctx: Context) {
    return ctx.services.payouts.preview(ctx.em, merchantCaller(ctx).merchantId, { campaignId, period });
  }

  @Authorized(payoutsPolicy.read)
  @Query(() => PayoutBatchConnection, { description: 'Newest first.' })
  async payoutBatches(@Args(() => PageArgs) page: PageArgs, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo) {
    return PayoutBatchConnection.from(await ctx.services.payouts.list(ctx.em, merchantCaller(ctx).merchantId, pageOf(page, info)));
  }

  @FieldResolver(() => Campaign)
  campaign(@Root() b: PayoutBatch, @Ctx() ctx: Context) {
    return ctx.loaders.byId(Campaign).load(b.campaign.id);
  }

  @Authorized(payoutsPolicy.read)
  @FieldResolver(() => PayoutItemConnection, { description: 'In creation order.' })
  async items(
    @Root() b: PayoutBatch,
    @Arg('status', () => PayoutItemStatus, { nullable: true }) status: PayoutItemStatus | undefined,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ) {
    return PayoutItemConnection.from(await ctx.services.payouts.items(ctx.em, b.id, status, pageOf(page, info)));
  }

  @Authorized(payoutsPolicy.read)
  @FieldResolver(() => [PayoutSkip])
  async skipped(@Root() b: PayoutBatch, @Ctx() ctx: Context): Promise<PayoutSkip[]> {
    const affiliates = await ctx.loaders.byId(Affiliate).loadMany(b.skipped.map((s: SkippedRow) => s.affiliateId));
    return b.skipped.flatMap((s, i) => {
      const affiliate = affiliates[i];
      return affiliate && !(affiliate instanceof Error)
        ? [{ affiliate, amountMinor: s.amountMinor, currency: s.currency, reason: s.reason, message: SKIP_MESSAGES[s.reason] }]
        : [];
    });
  }

  @Authorized(payoutsPolicy.read)
  @FieldResolver(() => PayoutProgress)
  progress(@Root() b: PayoutBatch, @Ctx() ctx: Context) {
    return ctx.loaders.keyed('payoutProgress', (ids: readonly string[]) => ctx.services.payouts.progress(ctx.em, ids)).load(b.id);
  }
}

@Resolver(() => PayoutItem)
export class PayoutItemResolver {
  @FieldResolver(() => Affiliate)
  affiliate(@Root() i: PayoutItem, @Ctx() ctx: Context) {
    return ctx.loaders.byId(Affiliate).load(i.affiliate.id);
  }

  @FieldResolver(() => PayoutBatch)
  batch(@Root() i: PayoutItem, @Ctx() ctx: Context) {
    return ctx.loaders.byId(PayoutBatch).load(i.batch.id);
  }

  @FieldResolver(() => [Commission], { description: 'The commissions this payout pays.' })
  commissions(@Root() i: PayoutItem, @Ctx() ctx: Context) {
    return ctx.loaders.keyed('payoutItemCommissions', (ids: readonly string[]) => ctx.services.payouts.commissionsOf(ctx.em, ids)).load(i.id);
  }
}

@Resolver(() => Me)
export class MePayoutsResolver {
  @Authorized(authPolicy.portal)
  @Mutation(() => OnboardingLink, { description: 'Creates my Stripe Express account (once) and returns an onboarding link.' })
  startStripeOnboarding(@Ctx() ctx: Context) {
    const caller = affiliateCaller(ctx);
    return ctx.services.payouts.accounts.startOnboarding(ctx.em, caller.merchantId, caller.affiliateId, ctx.now());
  }

  @FieldResolver(() => PayoutAccountView)
  payoutAccount(@Ctx() ctx: Context) {
    return readiness(ctx).load(affiliateCaller(ctx).affiliateId);
  }

  @FieldResolver(() => PayoutItemConnection, { description: 'My payouts, newest first.' })
  async payouts(@Args(() => PageArgs) page: PageArgs, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo) {
    return PayoutItemConnection.from(await ctx.services.payouts.itemsOfAffiliate(ctx.em, affiliateCaller(ctx).affiliateId, pageOf(page, info)));
  }
}

/** FINANCE and OWNER operators and reading keys see each affiliate's payout account; an affiliate sees only its own. */
@Resolver(() => Affiliate)
export class AffiliatePayoutAccountResolver {
  @Authorized(payoutsPolicy.account)
  @FieldResolver(() => PayoutAccountView)
  payoutAccount(@Root() a: Affiliate, @Ctx() ctx: Context) {
    return readiness(ctx).load(a.id);
  }
}

/** The payout item that netted a clawback (payouts owns items; commissions keeps only the id). */
@Resolver(() => Clawback)
export class ClawbackPayoutItemResolver {
  @FieldResolver(() => PayoutItem, { nullable: true, description: 'The payout item it is netted into; null until a batch takes it.' })
  payoutItem(@Root() c: Clawback, @Ctx() ctx: Context) {
    return c.payoutItemId ? ctx.loaders.byId(PayoutItem).load(c.payoutItemId) : null;
  }
}
