import { BigIntType, Entity, Enum, Index, ManyToOne, OneToOne, OptionalProps, Property, type Ref } from '@mikro-orm/core';
import { Authorized, Field, ObjectType } from 'type-graphql';
import { SafeIntResolver } from 'graphql-scalars';
import { Affiliate } from '../affiliates/index.js';
import { Enrollment } from '../applications/index.js';
import { Campaign } from '../campaigns/index.js';
import { tenantScoped } from '../tenancy.js';
import type { AttributionExplanation } from './attribution.engine.js';
import { Channel } from '../tracking/index.js';
import { Order } from './order.entity.js';
import { ReferralCode } from './referral-code.entity.js';
import { TenantEntity } from '../tenant-entity.js';
import { ordersPolicy } from './policy.js';

/**
 * The attribution decision for one order: the winning channel and touch (or NONE), with the
 * explanation (every touch considered, kept or dropped and why, the winner and the rule).
 */
@Entity()
@tenantScoped
@ObjectType()
@Index({ properties: ['merchant', 'channel', 'id'] })
@Index({ properties: ['affiliate', 'id'] })
export class Conversion extends TenantEntity {
  [OptionalProps]?: 'id' | 'createdAt';

  @OneToOne(() => Order, { ref: true, owner: true, unique: true })
  order!: Ref<Order>;

  /** The store's order id (copied from the order: both are immutable). */
  @Field({ name: 'orderId' })
  @Property({ length: 200 })
  orderExternalId!: string;

  @Field(() => Channel)
  @Enum({ items: () => Channel, nativeEnumName: 'channel' })
  channel!: Channel;

  /** The order's time. */
  @Field()
  @Property({ type: 'timestamptz' })
  occurredAt!: Date;

  @Authorized(ordersPolicy.orderAmount)
  @Field(() => SafeIntResolver, { description: "The order's amount, as the store sent it." })
  @Property({ type: new BigIntType('number') })
  amountMinor!: number;

  @Field()
  @Property({ length: 3 })
  currency!: string;

  /** AFFILIATE: the winning click's enrollment, affiliate and campaign. */
  @ManyToOne(() => Enrollment, { ref: true, nullable: true })
  enrollment?: Ref<Enrollment> | null;

  @ManyToOne(() => Affiliate, { ref: true, nullable: true })
  affiliate?: Ref<Affiliate> | null;

  @ManyToOne(() => Campaign, { ref: true, nullable: true })
  campaign?: Ref<Campaign> | null;

  @Property({ type: 'uuid', nullable: true })
  winningClickId?: string | null;

  /** REFERRAL: the code and the referring customer. */
  @ManyToOne(() => ReferralCode, { ref: true, nullable: true })
  referralCode?: Ref<ReferralCode> | null;

  @Field(() => String, { nullable: true, description: 'REFERRAL: the store id of the referring customer.' })
  @Property({ length: 200, nullable: true })
  referrerCustomerId?: string | null;

  @Property({ type: 'jsonb' })
  explanation!: AttributionExplanation;

  @Field()
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
