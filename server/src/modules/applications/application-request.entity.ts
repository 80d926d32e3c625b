import { Entity, Index, ManyToOne, OptionalProps, Property, type Ref } from '@mikro-orm/core';
import type { IntakeField } from '@sorae/intake';
import { Campaign } from '../campaigns/index.js';
import { tenantScoped } from '../tenancy.js';
import { TenantEntity } from '../tenant-entity.js';
import type { Answer } from './application.entity.js';

/**
 * A public submission waiting for its email to be confirmed. Every anonymous submission makes
 * one and gets the same answer, whether the email has a portal account or not; the emailed link
 * (its token stored hashed, single use, expiring) turns it into the Application, under the same
 * id, for a new account or an existing one proven by its password.
 */
@Entity({ tableName: 'application_request' })
@tenantScoped
export class ApplicationRequest extends TenantEntity {
  [OptionalProps]?: 'id' | 'confirmedAt';

  @ManyToOne(() => Campaign, { ref: true })
  campaign!: Ref<Campaign>;

  @Property({ length: 320 })
  email!: string;

  @Property({ length: 200 })
  name!: string;

  @Property({ type: 'jsonb' })
  answers!: Answer[];

  @Property({ type: 'jsonb' })
  fieldsSnapshot!: IntakeField[];

  /** The password chosen with the submission: a new account's, once confirmed. */
  @Property({ length: 200 })
  passwordHash!: string;

  /** SHA-256 of the emailed token. */
  @Property({ length: 64, unique: true })
  tokenHash!: string;

  @Property({ type: 'timestamptz' })
  submittedAt!: Date;

  @Index()
  @Property({ type: 'timestamptz' })
  expiresAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  confirmedAt?: Date;
}
