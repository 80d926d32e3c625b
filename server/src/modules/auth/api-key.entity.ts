import { Entity, ManyToOne, OptionalProps, Property, type Ref } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { tenantScoped } from '../tenancy.js';
import { Operator } from './operator.entity.js';
import { TenantEntity } from '../tenant-entity.js';

@Entity()
@ObjectType()
@tenantScoped
export class ApiKey extends TenantEntity {
  [OptionalProps]?: 'id' | 'createdAt';

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
