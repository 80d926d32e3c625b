import { ManyToOne, PrimaryKey, type Ref } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { uuidv7 } from '../ids.js';
import type { Merchant } from './auth/index.js';

/**
 * What every row a merchant owns starts with: a UUIDv7 id (time-sortable, so keyset pages follow
 * creation order) and its merchant, the column the tenant filter (`tenantScoped`) reads.
 */
// Decorated so its fields reach the GraphQL types that extend it; not a type of its own (nothing returns it).
@ObjectType()
export abstract class TenantEntity {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = uuidv7();

  // By name: auth's entities extend this class, so it cannot load auth's front door.
  @ManyToOne('Merchant', { ref: true })
  merchant!: Ref<Merchant>;
}
