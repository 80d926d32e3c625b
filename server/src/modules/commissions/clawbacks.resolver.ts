import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Authorized, Field, FieldResolver, ID, Info, InputType, Query, Resolver, Root } from 'type-graphql';
import { z } from 'zod';
import { parseInput } from '../../errors.js';
import { paginate } from '../../db/pagination.js';
import { PageArgs, connectionType, pageOf } from '../../graphql/connection.js';
import { Ctx, type Context } from '../../graphql/context.js';
import { isUuid } from '../../ids.js';
import { Clawback } from './clawback.entity.js';
import { Commission } from './commission.entity.js';
import { commissionsPolicy } from './policy.js';

@InputType()
class ClawbackFilter {
  @Field(() => ID, { nullable: true })
  affiliateId?: string;

  @Field(() => ID, { nullable: true })
  campaignId?: string;

  @Field({ nullable: true, description: 'true: netted by a posted payout; false: still to be netted.' })
  applied?: boolean;
}

const filterSchema = z.object({
  affiliateId: z.string().refine(isUuid, 'is not an affiliate id').nullish(),
  campaignId: z.string().refine(isUuid, 'is not a campaign id').nullish(),
  applied: z.boolean().nullish(),
});

export const ClawbackConnection = connectionType('Clawback', Clawback);

@Resolver(() => Clawback)
export class ClawbacksResolver {
  @Authorized(commissionsPolicy.read)
  @Query(() => ClawbackConnection, { description: 'Refunds after finalization, netted into the next payout items.' })
  async clawbacks(
    @Arg('filter', () => ClawbackFilter, { nullable: true }) filter: ClawbackFilter | undefined,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ) {
    const f = parseInput(filterSchema, filter ?? {});
    const commission = { ...(f.affiliateId ? { affiliate: f.affiliateId } : {}), ...(f.campaignId ? { campaign: f.campaignId } : {}) };
    const where = {
      ...(Object.keys(commission).length ? { commission } : {}),
      ...(f.applied == null ? {} : { appliedAt: f.applied ? { $ne: null } : null }),
    };
    return ClawbackConnection.from(await paginate(ctx.em, Clawback, where, pageOf(page, info)));
  }

  @FieldResolver(() => Commission)
  commission(@Root() clawback: Clawback, @Ctx() ctx: Context) {
    return ctx.loaders.byId(Commission).load(clawback.commission.id);
  }
}
