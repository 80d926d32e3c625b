import { Entity, OptionalProps, Property, Unique } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { tenantScoped } from '../tenancy.js';
import { TenantEntity } from '../tenant-entity.js';

/** An affiliate's portal account with one merchant. */
@Entity()
@ObjectType()
@tenantScoped
@Unique({ properties: ['merchant', 'email'] })
export class Affiliate extends TenantEntity {
  [OptionalProps]?: 'id' | 'createdAt';

  @Field()
  @Property({ length: 320 })
  email!: string;

  @Field()
  @Property({ length: 200 })
  name!: string;

  @Property({ length: 200, hidden: true })
  passwordHash!: string;

  @Field()
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
