import { FieldResolver, Resolver } from 'type-graphql';
import { Ctx, type Context } from '../../graphql/context.js';
import { Merchant } from '../auth/index.js';

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
