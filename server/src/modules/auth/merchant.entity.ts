import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { uuidv7 } from '../../ids.js';
import { merchantScoped } from '../tenancy.js';

@Entity()
@merchantScoped
@ObjectType()
export class Merchant {
  [OptionalProps]?: 'id' | 'createdAt';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = uuidv7();

  @Field()
  @Property({ length: 200 })
  name!: string;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
