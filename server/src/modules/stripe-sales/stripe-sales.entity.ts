import { Entity, Enum, Index, OneToOne, OptionalProps, Property, Unique, type Ref } from '@mikro-orm/core';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { Merchant } from '../auth/index.js';
import { TenantEntity } from '../tenant-entity.js';
import { tenantScoped } from '../tenancy.js';

export enum StripeSalesStatus {
  NOT_CONNECTED = 'NOT_CONNECTED',
  CONNECTED = 'CONNECTED',
  /** Connected, but Stripe refused the stored key lately (revoked, or a permission removed): see lastError. */
  ERROR = 'ERROR',
}
registerEnumType(StripeSalesStatus, { name: 'StripeSalesStatus' });

/**
 * The Stripe account a merchant sells through: its key and the signing secret of the webhook
 * endpoint Sorae created there, both sealed with SECRETS_KEY (`secrets-box.ts`), never shown.
 */
@Entity()
@tenantScoped
export class StripeSalesAccount {
  [OptionalProps]?: 'status' | 'lastError' | 'lastEventAt';

  @OneToOne(() => Merchant, { ref: true, primary: true, owner: true })
  merchant!: Ref<Merchant>;

  @Property({ length: 255 })
  accountId!: string;

  @Property({ type: 'text', hidden: true })
  apiKey!: string;

  @Property({ length: 255 })
  endpointId!: string;

  @Property({ type: 'text', hidden: true })
  endpointSecret!: string;

  @Property()
  livemode!: boolean;

  @Enum({ items: () => StripeSalesStatus })
  status: StripeSalesStatus = StripeSalesStatus.CONNECTED;

  @Property({ type: 'text', nullable: true })
  lastError: string | null = null;

  @Property({ type: 'timestamptz' })
  connectedAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  lastEventAt: Date | null = null;
}

/** What happened to one event of the sales account (each event id once per merchant). */
@Entity()
@tenantScoped
@Unique({ properties: ['merchant', 'eventId'] })
@Index({ properties: ['merchant', 'paymentIntent'] })
export class StripeSalesEvent extends TenantEntity {
  @Property({ length: 255 })
  eventId!: string;

  @Property({ length: 100 })
  type!: string;

  /** order, refund, ignored. */
  @Property({ length: 20 })
  outcome!: string;

  /** Why it was ignored, or why its order is unattributed. */
  @Property({ type: 'text', nullable: true })
  detail: string | null = null;

  /** The order's id (the Stripe object's id) an order or refund event concerns. */
  @Property({ length: 255, nullable: true })
  orderId: string | null = null;

  /** The payment of that order: refunds and disputes name it. */
  @Property({ length: 255, nullable: true })
  paymentIntent: string | null = null;

  /** The order's amount, and what the customer was charged for it (tax included): refunds take back this share. */
  @Property({ type: 'bigint', nullable: true })
  orderAmountMinor: string | null = null;

  @Property({ type: 'bigint', nullable: true })
  chargedMinor: string | null = null;

  @Property({ type: 'timestamptz' })
  receivedAt!: Date;
}

/** What `merchant { stripeSales }` shows of the connection. */
@ObjectType({ description: 'The Stripe account orders, renewals, refunds and disputes come from (connectStripeSales).' })
export class StripeSales {
  @Field(() => StripeSalesStatus)
  status!: StripeSalesStatus;

  @Field(() => String, { nullable: true, description: "The Stripe account's id (acct_…)." })
  accountId!: string | null;

  @Field(() => Date, { nullable: true })
  connectedAt!: Date | null;

  @Field(() => String, { nullable: true, description: "Why the last call to Stripe with the merchant's key failed (status ERROR)." })
  lastError!: string | null;

  @Field(() => Date, { nullable: true, description: 'When the last event from the account arrived.' })
  lastEventAt!: Date | null;

  @Field({ description: 'Where the account sends its events (the endpoint Sorae creates there).' })
  webhookUrl!: string;

  @Field({ description: 'The built-in Stripe emulator runs: connectDemoStripeSales can create a demo account and connect it.' })
  demoAvailable!: boolean;

  @Field(() => [String], {
    description:
      "Coupons campaigns name that the connected account does not have, each naming the coupon and its campaigns: their affiliates' promotion codes wait for them.",
  })
  missingCoupons!: string[];
}
