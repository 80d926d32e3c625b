import { Entity, Enum, OptionalProps, Property } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { OperatorRole } from '../../graphql/roles.js';
import { tenantScoped } from '../tenancy.js';
import { TenantEntity } from '../tenant-entity.js';

@Entity()
@ObjectType({ description: "A person who runs the merchant's program in the admin app." })
@tenantScoped
export class Operator extends TenantEntity {
  [OptionalProps]?: 'id' | 'createdAt';

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
