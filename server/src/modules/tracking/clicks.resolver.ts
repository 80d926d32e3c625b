import { FieldResolver, Resolver, Root } from 'type-graphql';
import { connectionType } from '../../graphql/connection.js';
import { Ctx, type Context } from '../../graphql/context.js';
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
