import { Field, ObjectType } from 'type-graphql';
import { Affiliate } from './affiliate.entity.js';

/**
 * The signed-in affiliate's portal view. Each module adds its own fields with a
 * `@Resolver(() => Me)` field resolver (applications, stats, commissions, payouts).
 */
@ObjectType()
export class Me {
  @Field(() => Affiliate)
  affiliate!: Affiliate;
}
