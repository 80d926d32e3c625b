import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { uuidv7 } from '../../ids.js';
import { Affiliate } from '../affiliates/index.js';
import { Merchant } from './merchant.entity.js';
import { Operator } from './operator.entity.js';

export enum SessionKind {
  OPERATOR = 'OPERATOR',
  AFFILIATE = 'AFFILIATE',
}

/** Sessions are looked up before the merchant is known, so they are not tenant-filtered. */
@Entity()
export class Session {
  [OptionalProps]?: 'id' | 'createdAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = uuidv7();

  /** SHA-256 of the bearer token; the token itself is never stored. */
  @Property({ length: 64, unique: true })
  tokenHash!: string;

  @Enum({ items: () => SessionKind, nativeEnumName: 'session_kind' })
  kind!: SessionKind;

  @ManyToOne(() => Merchant, { ref: true })
  merchant!: Ref<Merchant>;

  @Index()
  @ManyToOne(() => Operator, { ref: true, nullable: true, deleteRule: 'cascade' })
  operator?: Ref<Operator>;

  @Index()
  @ManyToOne(() => Affiliate, { ref: true, nullable: true, deleteRule: 'cascade' })
  affiliate?: Ref<Affiliate>;

  @Index()
  @Property({ type: 'timestamptz' })
  expiresAt!: Date;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  /** The last request it authenticated, at most a minute stale; idle past SESSION_IDLE_MINUTES, it ends. */
  @Property({ type: 'timestamptz' })
  lastSeenAt!: Date;
}
