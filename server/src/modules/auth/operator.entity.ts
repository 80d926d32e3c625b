import { Entity, Enum, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { uuidv7 } from '../../ids.js';
import { tenantScoped } from '../tenancy.js';
import { Merchant } from './merchant.entity.js';

export enum OperatorRole {
  OWNER = 'OWNER',
  REVIEWER = 'REVIEWER',
  FINANCE = 'FINANCE',
}
registerEnumType(OperatorRole, { name: 'OperatorRole' });

@Entity()
@ObjectType({ description: 'A person who runs the merchant\'s program in the admin app.' })
@tenantScoped
export class Operator {
  [OptionalProps]?: 'id' | 'createdAt';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = uuidv7();

  @ManyToOne(() => Merchant, { ref: true })
  merchant!: Ref<Merchant>;

  /** Sign-in takes only an email, so an operator's email is unique across merchants. */
  @Field()
  @Property({ length: 320, unique: true })
  email!: string;

  @Field()
  @Property({ length: 200 })
  name!: string;

  @Field(() => OperatorRole)
  @Enum({ items: () => OperatorRole, nativeEnumName: 'operator_role' })
  role!: OperatorRole;

  @Property({ length: 200, hidden: true })
  passwordHash!: string;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
