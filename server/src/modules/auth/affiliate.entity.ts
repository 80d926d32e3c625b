import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property, Unique, type Ref } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { uuidv7 } from '../../ids.js';
import { tenantScoped } from '../tenancy.js';
import { Merchant } from './merchant.entity.js';

/** An affiliate's portal account with one merchant. */
@Entity()
@ObjectType()
@tenantScoped
@Unique({ properties: ['merchant', 'email'] })
export class Affiliate {
  [OptionalProps]?: 'id' | 'createdAt';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = uuidv7();

  @ManyToOne(() => Merchant, { ref: true })
  merchant!: Ref<Merchant>;

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
