import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property, Unique, type Ref } from '@mikro-orm/core';
import { uuidv7 } from '../../ids.js';
import { Merchant } from '../auth/index.js';
import { tenantScoped } from '../tenancy.js';

/**
 * One order-webhook delivery, unique per (merchant, event id), with the answer it got: a
 * replay answers the same body and changes nothing; the same id with another body is refused.
 * Only successful deliveries are stored (a refused one rolls back with everything else), so a
 * store retrying after a 4xx is heard.
 */
@Entity()
@tenantScoped
@Unique({ properties: ['merchant', 'eventId'] })
export class WebhookEvent {
  [OptionalProps]?: 'id' | 'createdAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = uuidv7();

  @ManyToOne(() => Merchant, { ref: true })
  merchant!: Ref<Merchant>;

  @Property({ length: 200 })
  eventId!: string;

  @Property({ length: 40 })
  type!: string;

  /** SHA-256 (hex) of the validated event (see OrdersService's eventHash); null for events stored before it was kept. */
  @Property({ length: 64, nullable: true })
  bodyHash?: string | null;

  @Property({ type: 'jsonb' })
  response!: unknown;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
