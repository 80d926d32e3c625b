import { Entity, Enum, OptionalProps, Property } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { OperatorRole } from '../../graphql/roles.js';
import { tenantScoped } from '../tenancy.js';
import { TenantEntity } from '../tenant-entity.js';

@Entity()
@ObjectType({ description: "A person who runs the merchant's program in the admin app." })
@tenantScoped
export class Operator extends TenantEntity {
  [OptionalProps]?: 'id' | 'createdAt' | 'pending';

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

  /** Null while the operator is invited and has not accepted. */
  @Property({ length: 200, hidden: true, nullable: true })
  passwordHash?: string | null;

  /** SHA-256 of a pending invitation's token (the token itself is only mailed); null once accepted. */
  @Property({ length: 64, hidden: true, nullable: true, unique: true })
  invitationTokenHash?: string | null;

  @Field(() => Date, { nullable: true, description: 'When the pending invitation stops working; null once accepted.' })
  @Property({ type: 'timestamptz', nullable: true })
  invitationExpiresAt?: Date | null;

  @Field({ description: 'Invited and not yet accepted: no name or password, cannot sign in.' })
  get pending(): boolean {
    return this.passwordHash == null;
  }

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
