import { Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { uuidv7 } from '../../ids.js';
import { Affiliate } from '../affiliates/index.js';
import { Merchant } from './merchant.entity.js';
import { Operator } from './operator.entity.js';

/**
 * One emailed password-reset link: single use, an hour long. Looked up by its token before the
 * merchant is known, so not tenant-filtered; written only by `Passwords` in set-based statements.
 */
@Entity()
export class PasswordReset {
  [OptionalProps]?: 'id' | 'createdAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = uuidv7();

  /** SHA-256 of the token; the token itself is only in the email. */
  @Property({ length: 64, unique: true })
  tokenHash!: string;

  @ManyToOne(() => Merchant, { ref: true, deleteRule: 'cascade' })
  merchant!: Ref<Merchant>;

  @Index()
  @ManyToOne(() => Operator, { ref: true, nullable: true, deleteRule: 'cascade' })
  operator?: Ref<Operator>;

  @Index()
  @ManyToOne(() => Affiliate, { ref: true, nullable: true, deleteRule: 'cascade' })
  affiliate?: Ref<Affiliate>;

  @Property({ type: 'timestamptz' })
  expiresAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  usedAt?: Date;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
