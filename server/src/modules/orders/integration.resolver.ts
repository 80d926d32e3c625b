import type { GraphQLResolveInfo } from 'graphql';
import { Args, Authorized, FieldResolver, Info, Query, Resolver } from 'type-graphql';
import { PageArgs, connectionType, pageOf } from '../../graphql/connection.js';
import { Ctx, type Context } from '../../graphql/context.js';
import { Merchant, authPolicy } from '../auth/index.js';
import { OrderWebhookDelivery } from './order-webhook-delivery.entity.js';

export const OrderWebhookDeliveryConnection = connectionType('OrderWebhookDelivery', OrderWebhookDelivery);

/** Where a merchant's store sends orders and loads the script from (PUBLIC_URL based). */
@Resolver(() => Merchant)
export class MerchantIntegrationResolver {
  @FieldResolver(() => String, { description: 'POST order and refund webhooks here, with the Sorae-Merchant and Sorae-Signature headers.' })
  orderWebhookUrl(@Ctx() ctx: Context): string {
    return `${ctx.config.publicUrl}/webhooks/orders`;
  }

  @FieldResolver(() => String, { description: 'The merchant-site script: <script src="…" async></script>.' })
  scriptUrl(@Ctx() ctx: Context): string {
    return `${ctx.config.publicUrl}/sorae.js`;
  }
}

/** The log of order webhooks received: what the store sent and how it was answered. */
@Resolver(() => OrderWebhookDelivery)
export class OrderWebhookLogResolver {
  @Authorized(authPolicy.manageAccess)
  @Query(() => OrderWebhookDeliveryConnection, { description: 'Order webhooks received, newest first: accepted, or refused with the reason.' })
  async orderWebhookDeliveries(@Args(() => PageArgs) page: PageArgs, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo) {
    return OrderWebhookDeliveryConnection.from(await ctx.services.orders.webhookDeliveries(ctx.em, pageOf(page, info)));
  }
}
