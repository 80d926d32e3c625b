import { Entity, Enum, ManyToOne, OptionalProps, Property, type Ref } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { ApiKeyScope } from '../../graphql/roles.js';
import { tenantScoped } from '../tenancy.js';
import { Operator } from './operator.entity.js';
import { TenantEntity } from '../tenant-entity.js';

export const DEFAULT_API_KEY_SCOPES: readonly ApiKeyScope[] = [ApiKeyScope.ORDERS, ApiKeyScope.READ];

@Entity()
@ObjectType()
@tenantScoped
export class ApiKey extends TenantEntity {
  [OptionalProps]?: 'id' | 'createdAt' | 'scopes';

  @Field()
  @Property({ length: 100 })
  name!: string;

  /** The first characters of the key, shown in lists so operators can tell keys apart. */
  @Field()
  @Property({ length: 20 })
  prefix!: string;

  @Property({ length: 64, unique: true, hidden: true })
  keyHash!: string;

  @Field(() => [ApiKeyScope])
  @Enum({ items: () => ApiKeyScope, array: true })
  scopes: ApiKeyScope[] = [...DEFAULT_API_KEY_SCOPES];

  @ManyToOne(() => Operator, { ref: true, nullable: true, deleteRule: 'set null' })
  createdBy?: Ref<Operator>;

  @Field()
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Field(() => Date, { nullable: true, description: 'From then on the key is refused like a revoked one.' })
  @Property({ type: 'timestamptz', nullable: true })
  expiresAt?: Date;

  @Field(() => Date, { nullable: true, description: 'The last request made with it (to the minute).' })
  @Property({ type: 'timestamptz', nullable: true })
  lastUsedAt?: Date;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  revokedAt?: Date;
}
