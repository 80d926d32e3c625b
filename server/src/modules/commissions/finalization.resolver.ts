import { Arg, Authorized, Field, ID, InputType, Int, Mutation, ObjectType, Resolver } from 'type-graphql';
import { Ctx, merchantCaller, type Context } from '../../graphql/context.js';
import { commissionsPolicy } from './policy.js';

@InputType()
class FinalizeCommissionsInput {
  @Field(() => [ID], { nullable: true, description: 'Finalize these PENDING commissions now, whatever their hold period.' })
  ids?: string[];

  @Field(() => ID, { nullable: true, description: 'Only this campaign.' })
  campaignId?: string;
}

@ObjectType()
class FinalizeResult {
  @Field(() => Int)
  finalizedCount!: number;
}

@Resolver()
export class FinalizationResolver {
  @Authorized(commissionsPolicy.finalize)
  @Mutation(() => FinalizeResult, { description: 'Locks PENDING commissions: the given ids now, or without ids every one past its hold period.' })
  async finalizeCommissions(@Arg('input', () => FinalizeCommissionsInput) input: FinalizeCommissionsInput, @Ctx() ctx: Context): Promise<FinalizeResult> {
    return { finalizedCount: await ctx.services.finalization.finalize(ctx.em, merchantCaller(ctx).merchantId, input, ctx.now()) };
  }
}
