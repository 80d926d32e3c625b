import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * A Stripe webhook event already handled, by Stripe's event id: a redelivery (Stripe retries,
 * duplicates) is acknowledged and changes nothing. Platform-wide, so not tenant-scoped.
 */
@Entity()
export class StripeEvent {
  @PrimaryKey({ length: 255 })
  id!: string;

  @Property({ length: 100 })
  type!: string;

  @Property({ type: 'timestamptz' })
  receivedAt: Date = new Date();
}
