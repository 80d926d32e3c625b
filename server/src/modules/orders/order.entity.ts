import { BigIntType, Entity, Index, ManyToOne, OptionalProps, Property, Unique, type Ref } from '@mikro-orm/core';
import { Authorized, Field, Int, ObjectType } from 'type-graphql';
import { SafeIntResolver } from 'graphql-scalars';
import { tenantScoped } from '../tenancy.js';
import { TenantEntity } from '../tenant-entity.js';
import { ordersPolicy } from './policy.js';

/** An order the store reported (webhook or `recordOrder`), unique per (merchant, store order id). */
@Entity({ tableName: 'store_order' })
@tenantScoped
@ObjectType()
@Unique({ properties: ['merchant', 'externalId'] })
export class Order extends TenantEntity {
  [OptionalProps]?: 'id' | 'createdAt';

  /** The store's order id. */
  @Field({ name: 'orderId' })
  @Property({ length: 200 })
  externalId!: string;

  @Field(() => SafeIntResolver, { description: 'As the store sent it.' })
  @Property({ type: new BigIntType('number') })
  amountMinor!: number;

  @Field()
  @Property({ length: 3 })
  currency!: string;

  /** The store's order time: attribution compares touches with it, never with the arrival time. */
  @Field()
  @Property({ type: 'timestamptz' })
  occurredAt!: Date;

  @Field(() => String, { nullable: true })
  @Property({ length: 200, nullable: true })
  clickId?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ length: 200, nullable: true })
  visitorId?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ length: 64, nullable: true })
  referralCode?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ length: 200, nullable: true })
  customerId?: string | null;

  @Field()
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}

/** A refund of (part of) an order, unique per (merchant, store refund id). */
@Entity()
@tenantScoped
@ObjectType()
@Unique({ properties: ['merchant', 'externalId'] })
@Index({ properties: ['order'] })
export class Refund extends TenantEntity {
  [OptionalProps]?: 'id' | 'createdAt';

  /** The store's refund id. */
  @Field({ name: 'refundId' })
  @Property({ length: 200 })
  externalId!: string;

  @ManyToOne(() => Order, { ref: true })
  order!: Ref<Order>;

  @Authorized(ordersPolicy.refundAmount)
  @Field(() => Int)
  @Property({ type: new BigIntType('number') })
  amountMinor!: number;

  @Field()
  @Property({ type: 'timestamptz' })
  occurredAt!: Date;

  @Field()
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
