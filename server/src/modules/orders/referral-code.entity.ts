import { Entity, OptionalProps, Property, Unique } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { tenantScoped } from '../tenancy.js';
import { TenantEntity } from '../tenant-entity.js';

/** A customer-refers-customer code (channel REFERRAL): one per customer of a merchant. */
@Entity()
@tenantScoped
@ObjectType()
@Unique({ properties: ['merchant', 'customerId'] })
export class ReferralCode extends TenantEntity {
  [OptionalProps]?: 'id' | 'createdAt';

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
