import { Arg, Authorized, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { Ctx, merchantCaller, type Context } from '../../graphql/context.js';
import { Merchant } from '../auth/index.js';
import { StripeSales } from './stripe-sales.entity.js';
import { stripeSalesPolicy } from './policy.js';

@Resolver(() => Merchant)
export class StripeSalesResolver {
  @Authorized(stripeSalesPolicy.read)
  @FieldResolver(() => StripeSales, { description: 'The Stripe account orders, renewals, refunds and disputes come from.' })
  stripeSales(@Root() merchant: Merchant, @Ctx() ctx: Context): Promise<StripeSales> {
    return ctx.services.stripeSales.status(ctx.em, merchant.id);
  }

  @Authorized(stripeSalesPolicy.connect)
  @Mutation(() => StripeSales, {
    description:
      'Connects the Stripe account the merchant sells through (a secret or restricted key): checks the key, creates the webhook endpoint there, keeps both sealed.',
  })
  connectStripeSales(@Arg('apiKey') apiKey: string, @Ctx() ctx: Context): Promise<StripeSales> {
    return ctx.services.stripeSales.connect(ctx.em, merchantCaller(ctx).merchantId, apiKey, ctx.now());
  }

  @Authorized(stripeSalesPolicy.connect)
  @Mutation(() => StripeSales, { description: 'The demo (built-in Stripe emulator only): creates a sales account in the emulator and connects it.' })
  connectDemoStripeSales(@Ctx() ctx: Context): Promise<StripeSales> {
    return ctx.services.stripeSales.connectDemo(ctx.em, merchantCaller(ctx).merchantId, ctx.now());
  }

  @Authorized(stripeSalesPolicy.connect)
  @Mutation(() => StripeSales, { description: 'Deletes the webhook endpoint from the Stripe account and forgets the key.' })
  disconnectStripeSales(@Ctx() ctx: Context): Promise<StripeSales> {
    return ctx.services.stripeSales.disconnect(ctx.em, merchantCaller(ctx).merchantId);
  }
}
