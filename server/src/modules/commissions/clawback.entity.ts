import { BigIntType, Check, Entity, Index, ManyToOne, OptionalProps, Property, Unique, type Ref } from '@mikro-orm/core';
import { Authorized, Field, Int, ObjectType } from 'type-graphql';
import { tenantScoped } from '../tenancy.js';
import { Refund } from '../orders/index.js';
import { Commission } from './commission.entity.js';
import { TenantEntity } from '../tenant-entity.js';
import { commissionsPolicy } from './policy.js';

/**
 * A refund after finalization: the commission's locked amount stays, and this negative row is
 * netted into the affiliate's next payout item of the commission's campaign. `payoutItemId`
 * is the item that netted it (payouts sets it when the item is created); `appliedAt` is when
 * that item was POSTED.
 */
@Entity()
@tenantScoped
@ObjectType()
@Index({ properties: ['commission'] })
@Index({ properties: ['payoutItemId'] })
@Unique({ properties: ['commission', 'refund'] })
@Check({ name: 'clawback_amount_negative', expression: 'amount_minor < 0' })
export class Clawback extends TenantEntity {
  [OptionalProps]?: 'id' | 'createdAt';

  @ManyToOne(() => Commission, { ref: true })
  commission!: Ref<Commission>;

  /** Negative. */
  @Authorized(commissionsPolicy.clawbackAmount)
  @Field(() => Int)
  @Property({ type: new BigIntType('number') })
  amountMinor!: number;

  @Field()
  @Property({ type: 'text' })
  reason!: string;

  /** The refund that caused it: one clawback per refund of a commission. */
  @ManyToOne(() => Refund, { ref: true, nullable: true })
  refund?: Ref<Refund> | null;

  /** The payout item that nets it (a plain id: commissions never depends on payouts). */
  @Property({ type: 'uuid', nullable: true })
  payoutItemId?: string | null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  appliedAt?: Date | null;

  @Field()
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
