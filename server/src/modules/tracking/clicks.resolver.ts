import { Args, Authorized, FieldResolver, Resolver, Root } from 'type-graphql';
import { PageArgs, connectionType } from '../../graphql/connection.js';
import { Ctx, type Context } from '../../graphql/context.js';
import { Affiliate, affiliatesPolicy } from '../affiliates/index.js';
import { Click } from './click.entity.js';
import { trackingPolicy } from './policy.js';

export const ClickConnection = connectionType('Click', Click);

@Resolver(() => Click)
export class ClickResolver {
  @FieldResolver(() => String)
  visitorId(@Root() c: Click, @Ctx() ctx: Context): string {
    return trackingPolicy.pseudonymizesVisitors(ctx.caller) ? ctx.services.traffic.visitorPseudonym(c.visitorId) : c.visitorId;
  }
}

/** An affiliate's clicks, a field of the affiliates module's Affiliate that tracking answers. */
@Resolver(() => Affiliate)
export class AffiliateClicksResolver {
  @Authorized(affiliatesPolicy.record)
  @FieldResolver(() => ClickConnection, { description: "Clicks on this affiliate's links, newest first." })
  async clicks(@Root() a: Affiliate, @Args(() => PageArgs) page: PageArgs, @Ctx() ctx: Context) {
    return ClickConnection.from(await ctx.services.traffic.clicksOf(ctx.em, a.merchant.id, a.id, page));
  }
}
