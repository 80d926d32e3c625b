import { Entity, OneToOne, OptionalProps, Property, type Ref } from '@mikro-orm/core';
import { Merchant } from '../auth/index.js';
import { tenantScoped } from '../tenancy.js';

/**
 * The merchant's order-webhook signing secret. HMAC verification needs the secret itself, so
 * it cannot be hashed: it is sealed with SECRETS_KEY (`secrets-box.ts`) and lives alone in this
 * table (no GraphQL type, `hidden`), is shown once by `rotateOrderWebhookSecret`, and is never
 * logged.
 */
@Entity()
@tenantScoped
export class OrderWebhookSecret {
  [OptionalProps]?: 'rotatedAt';

  @OneToOne(() => Merchant, { ref: true, primary: true, owner: true })
  merchant!: Ref<Merchant>;

  @Property({ type: 'text', hidden: true })
  secret!: string;

  @Property({ type: 'timestamptz' })
  rotatedAt: Date = new Date();
}
