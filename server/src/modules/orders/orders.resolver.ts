import { Arg, Args, Authorized, Field, FieldResolver, ID, InputType, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { PageArgs, connectionType } from '../../graphql/connection.js';
import { Ctx, merchantCaller, type Context } from '../../graphql/context.js';
import { notFound } from '../../errors.js';
import type { ExplainedTouch } from './attribution.engine.js';
import { Channel } from '../tracking/index.js';
import { Conversion } from './conversion.entity.js';
import { Refund } from './order.entity.js';
import { ReferralCode } from './referral-code.entity.js';
import { authPolicy } from '../auth/index.js';
import { Affiliate, affiliatesPolicy } from '../affiliates/index.js';
import { ordersPolicy } from './policy.js';

@InputType({ description: 'The subscription an order pays for, and the start of the billing period it pays.' })
class RecordOrderSubscriptionInput {
  @Field({ description: "The subscription's id (the store's or Stripe's)." })
  id!: string;

  @Field()
  periodStart!: Date;
}

@InputType({ description: "The fields of an order.created webhook body's `order`." })
class RecordOrderInput {
  @Field({ description: "The store's order id: recording it again changes nothing; with other content it is a CONFLICT." })
  id!: string;

  @Field(() => Int)
  amountMinor!: number;

  @Field()
  currency!: string;

  @Field({ description: "The store's order time (attribution compares touches with it)." })
  occurredAt!: Date;

  @Field(() => String, { nullable: true, description: 'sorae_click from the landing URL (Sorae.getAttribution().clickId).' })
  clickId?: string | null;

  @Field(() => String, { nullable: true, description: 'sorae_vid (Sorae.getAttribution().visitorId).' })
  visitorId?: string | null;

  @Field(() => String, { nullable: true })
  referralCode?: string | null;

  @Field(() => String, { nullable: true })
  customerId?: string | null;

  @Field(() => String, { nullable: true, description: "A coupon or promotion code used at checkout: an affiliate's promotion code credits the order to them." })
  couponCode?: string | null;

  @Field(() => RecordOrderSubscriptionInput, {
    nullable: true,
    description: "A subscription's payment: later ones earn the first one's affiliate while the campaign's duration lasts.",
  })
  subscription?: RecordOrderSubscriptionInput | null;
}

@InputType({ description: "The fields of an order.refunded webhook body: the order's id and the refund's." })
class RecordRefundInput {
  @Field({ description: "The store's order id." })
  orderId!: string;

  @Field({ description: "The store's refund id: recording it again changes nothing; with other content it is a CONFLICT." })
  id!: string;

  @Field(() => Int, { description: 'At most what is left of the order (BAD_USER_INPUT beyond it); 0 only for an order of 0, whose full refund it is.' })
  amountMinor!: number;

  @Field()
  occurredAt!: Date;
}

@ObjectType()
export class RecordOrderResult {
  @Field(() => Conversion)
  conversion!: Conversion;
}

@ObjectType()
export class RecordRefundResult {
  @Field(() => Conversion)
  conversion!: Conversion;

  @Field(() => Refund)
  refund!: Refund;
}

@ObjectType({ description: 'One touch attribution considered.' })
export class AttributionTouch {
  @Field(() => ID, { nullable: true, description: "AFFILIATE touches: the click. Null in an affiliate's view of another affiliate's click." })
  clickId!: string | null;

  @Field(() => Channel)
  channel!: Channel;

  @Field(() => Date, { nullable: true, description: "Null in an affiliate's view of a touch that is not theirs." })
  occurredAt!: Date | null;

  @Field(() => ID, {
    nullable: true,
    description: "The click's affiliate; null for referral touches, and for other affiliates' touches when an affiliate asks.",
  })
  affiliateId!: string | null;

  @Field(() => ID, { nullable: true })
  campaignId!: string | null;

  @Field(() => String, { nullable: true, description: 'REFERRAL touches (operators only).' })
  referralCode!: string | null;

  @Field(() => String, { nullable: true, description: "AFFILIATE touches made by the order's coupon code: the affiliate's promotion code." })
  promotionCode!: string | null;

  @Field(() => [String], {
    description:
      "How it was found: clickId, visitorId, referralCode, promotionCode, or subscription (a later payment credited through its subscription's first).",
  })
  matchedBy!: string[];

  @Field({ description: 'Passed every rule (the latest kept touch wins).' })
  kept!: boolean;

  @Field({
    description:
      'WON, EARLIER_THAN_WINNER, AFTER_ORDER, BOT, UNKNOWN_ENROLLMENT, ENROLLMENT_SUSPENDED, CAMPAIGN_ARCHIVED, OUTSIDE_WINDOW, SELF_REFERRAL or UNKNOWN_REFERRAL_CODE; ' +
      "for a subscription's later payment FIRST_PAYMENT_NOT_ATTRIBUTED or DURATION_OVER; " +
      "ANOTHER_TOUCH in an affiliate's view of a touch that is not theirs (only that it existed: no time, click, affiliate, campaign or how it was found).",
  })
  reason!: string;
}

@ObjectType({ description: 'Why the order went where it went.' })
export class Attribution {
  @Field({
    description:
      'LAST_TOUCH: the latest touch kept wins; at the same instant a promotion code, then a referral code, beats a click, then the larger click id. ' +
      "SUBSCRIPTION: a subscription's later payment, credited to its first payment's enrollment while the campaign's duration lasts.",
  })
  rule!: string;

  @Field(() => AttributionTouch, { nullable: true })
  winner!: AttributionTouch | null;

  @Field(() => [AttributionTouch], { description: 'Every touch considered, latest first.' })
  touches!: AttributionTouch[];

  @Field({ description: "The order's time was ahead of the server clock when it arrived." })
  orderAheadOfClock!: boolean;
}

export const ConversionConnection = connectionType('Conversion', Conversion);
@Resolver(() => Conversion)
export class OrdersResolver {
  @Authorized(ordersPolicy.record)
  @Mutation(() => RecordOrderResult, { description: 'Records an order (integrations): idempotent by order id.' })
  async recordOrder(@Arg('input', () => RecordOrderInput) input: RecordOrderInput, @Ctx() ctx: Context): Promise<RecordOrderResult> {
    const r = await ctx.services.orders.recordOrder(ctx.em, merchantCaller(ctx).merchantId, input, ctx.now());
    const conversion = await ctx.loaders.byId(Conversion).load(r.conversion.id);
    if (!conversion) throw notFound('Conversion');
    return { conversion };
  }

  @Authorized(ordersPolicy.record)
  @Mutation(() => RecordRefundResult, { description: 'Records a refund (integrations): idempotent by refund id. CONFLICT when the order is not recorded yet.' })
  async recordRefund(@Arg('input', () => RecordRefundInput) input: RecordRefundInput, @Ctx() ctx: Context): Promise<RecordRefundResult> {
    const r = await ctx.services.orders.recordRefund(ctx.em, merchantCaller(ctx).merchantId, input, ctx.now());
    const [conversion, refund] = await Promise.all([ctx.loaders.byId(Conversion).load(r.conversion.id), ctx.em.findOne(Refund, { externalId: r.refund.id })]);
    if (!conversion || !refund) throw notFound('Refund');
    return { conversion, refund };
  }

  @Authorized(authPolicy.manageAccess)
  @Mutation(() => String, { description: 'A new order-webhook signing secret, shown only here; the one it replaces keeps verifying for 24 hours.' })
  rotateOrderWebhookSecret(@Ctx() ctx: Context): Promise<string> {
    return ctx.services.orderWebhookSecrets.rotate(ctx.em, merchantCaller(ctx).merchantId, ctx.now());
  }

  @Authorized(ordersPolicy.referralCodes)
  @Mutation(() => ReferralCode, { description: "The customer's referral code (the same one on every call)." })
  createReferralCode(@Arg('customerId') customerId: string, @Ctx() ctx: Context): Promise<ReferralCode> {
    return ctx.services.referrals.codeFor(ctx.em, merchantCaller(ctx).merchantId, customerId);
  }

  @Authorized(ordersPolicy.read)
  @Query(() => ConversionConnection, { description: 'REFERRAL conversions, newest first (never in affiliate commissions or totals).' })
  async referralConversions(@Args(() => PageArgs) page: PageArgs, @Ctx() ctx: Context) {
    return ConversionConnection.from(await ctx.services.orders.conversions(ctx.em, merchantCaller(ctx).merchantId, { channel: Channel.REFERRAL }, page));
  }

  @FieldResolver(() => Attribution)
  attribution(@Root() c: Conversion, @Ctx() ctx: Context): Attribution {
    const e = c.explanation;
    const show = (t: ExplainedTouch) => ordersPolicy.touchFor(ctx.caller, t);
    return { rule: e.rule, winner: e.winner ? show(e.winner) : null, touches: e.touches.map(show), orderAheadOfClock: e.orderAheadOfClock };
  }

  @FieldResolver(() => String, { nullable: true, description: 'REFERRAL: the code used (operators only).' })
  async referralCode(@Root() c: Conversion, @Ctx() ctx: Context) {
    if (!c.referralCode || !ordersPolicy.seesReferralCodes(ctx.caller)) return null;
    return (await ctx.loaders.byId(ReferralCode).load(c.referralCode.id))?.code ?? null;
  }
}

/** An affiliate's conversions, a field of the affiliates module's Affiliate that orders answers. */
@Resolver(() => Affiliate)
export class AffiliateConversionsResolver {
  @Authorized(affiliatesPolicy.record)
  @FieldResolver(() => ConversionConnection, { description: 'AFFILIATE conversions won by this affiliate, newest first (amounts for those who see money).' })
  async conversions(@Root() a: Affiliate, @Args(() => PageArgs) page: PageArgs, @Ctx() ctx: Context) {
    return ConversionConnection.from(await ctx.services.orders.conversions(ctx.em, a.merchant.id, { affiliateId: a.id }, page));
  }
}
