import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property, Unique, type Ref } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { uuidv7 } from '../../ids.js';
import { Merchant } from '../auth/merchant.entity.js';
import { tenantScoped } from '../tenancy.js';

/** A customer-refers-customer code (channel REFERRAL): one per customer of a merchant. */
@Entity()
@tenantScoped
@ObjectType()
@Unique({ properties: ['merchant', 'customerId'] })
export class ReferralCode {
  [OptionalProps]?: 'id' | 'createdAt';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = uuidv7();

  @ManyToOne(() => Merchant, { ref: true })
  merchant!: Ref<Merchant>;

  /** Unique across merchants, like share codes, so a code alone names its owner. */
  @Field()
  @Property({ length: 16, unique: true })
  code!: string;

  /** The store's id of the referring customer. */
  @Field()
  @Property({ length: 200 })
  customerId!: string;

  @Field()
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
