import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * Failed sign-in attempts per key (`email:<address>`, `ip:<client address>`, `device:<id>`), shared by every
 * server process. Written only by set-based upserts in `SignInThrottle`; not tenant-scoped, since
 * an email is checked before the merchant is known.
 */
@Entity({ tableName: 'signin_throttle' })
export class SignInThrottleRow {
  @PrimaryKey({ type: 'text' })
  key!: string;

  /** Attempts allowed before each further one waits. */
  @Property({ type: 'integer' })
  free!: number;

  /** Failures since the key was last forgotten (a success, or `expiresAt` passing). */
  @Property({ type: 'integer' })
  failures!: number;

  /** No attempt under this key is checked before then. */
  @Property({ type: 'timestamptz' })
  blockedUntil!: Date;

  /** The failures are forgotten after this quiet time; the cleanup deletes the row. */
  @Index()
  @Property({ type: 'timestamptz' })
  expiresAt!: Date;
}
