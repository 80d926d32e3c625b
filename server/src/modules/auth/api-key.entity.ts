import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { uuidv7 } from '../../ids.js';
import { tenantScoped } from '../tenancy.js';
import { Merchant } from './merchant.entity.js';
import { Operator } from './operator.entity.js';

@Entity()
@ObjectType()
@tenantScoped
export class ApiKey {
  [OptionalProps]?: 'id' | 'createdAt';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = uuidv7();

  @ManyToOne(() => Merchant, { ref: true })
  merchant!: Ref<Merchant>;

  @Field()
  @Property({ length: 100 })
  name!: string;

  /** The first characters of the key, shown in lists so operators can tell keys apart. */
  @Field()
  @Property({ length: 20 })
  prefix!: string;

  @Property({ length: 64, unique: true, hidden: true })
  keyHash!: string;

  @ManyToOne(() => Operator, { ref: true, nullable: true, deleteRule: 'set null' })
  createdBy?: Ref<Operator>;

  @Field()
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  revokedAt?: Date;
}
