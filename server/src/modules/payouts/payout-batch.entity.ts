import { BigIntType, Check, Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property, Unique, type Ref } from '@mikro-orm/core';
import { Authorized, Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { SafeIntResolver } from 'graphql-scalars';
import { Affiliate } from '../affiliates/index.js';
import { Merchant } from '../auth/index.js';
import { Campaign } from '../campaigns/index.js';
import { tenantScoped } from '../tenancy.js';
import { PayoutBatchStatus, PayoutItemStatus } from './payout-rules.js';
import { TenantEntity } from '../tenant-entity.js';
import { payoutsPolicy } from './policy.js';

export enum PayoutSkipReason {
  /** Net amount below the campaign's minPayoutMinor: carried forward. */
  BELOW_MINIMUM = 'BELOW_MINIMUM',
  /** No connected account with payouts enabled (never onboarded, restricted or disconnected). */
  PAYOUT_ACCOUNT_NOT_READY = 'PAYOUT_ACCOUNT_NOT_READY',
  /** Clawbacks cancel the commissions out (net ≤ 0). */
  NET_NOT_POSITIVE = 'NET_NOT_POSITIVE',
}
registerEnumType(PayoutSkipReason, { name: 'PayoutSkipReason' });

export interface SkippedRow {
  affiliateId: string;
  amountMinor: number;
  currency: string;
  reason: PayoutSkipReason;
}

/** One payout run of a campaign for a period ("2026-11"): one item per affiliate and currency. */
@Entity()
@tenantScoped
@ObjectType()
@Index({ properties: ['merchant', 'id'] })
@Index({ properties: ['status'] })
export class PayoutBatch extends TenantEntity {
  [OptionalProps]?: 'id' | 'status' | 'createdAt' | 'skipped';

  @ManyToOne(() => Campaign, { ref: true })
  campaign!: Ref<Campaign>;

  @Field()
  @Property({ length: 7 })
  period!: string;

  @Field(() => PayoutBatchStatus)
  @Enum({ items: () => PayoutBatchStatus, nativeEnumName: 'payout_batch_status' })
  status: PayoutBatchStatus = PayoutBatchStatus.DRAFT;

  @Field()
  @Property({ length: 3 })
  currency!: string;

  /** Σ items' net amounts: finance data, not for the affiliates in the batch. */
  @Authorized(payoutsPolicy.read)
  @Field(() => SafeIntResolver, { description: "Σ the items' net amounts, in the batch's currency." })
  @Property({ type: new BigIntType('number') })
  totalMinor!: number;

  /** Affiliates carried forward, with the reason (their commissions stay unattached). */
  @Property({ type: 'jsonb' })
  skipped: SkippedRow[] = [];

  /** True when the monthly schedule created it. */
  @Field()
  @Property()
  scheduled!: boolean;

  @Field()
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  executedAt?: Date | null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  completedAt?: Date | null;
}

/**
 * One transfer to make: an affiliate's net (gross commissions + clawbacks, which are negative)
 * in one currency. `attempts` is the current attempt number; attempt n sends with idempotency
 * key `payout-item:<id>:<n>`, committed before the call.
 */
@Entity()
@tenantScoped
@ObjectType()
@Index({ properties: ['batch', 'status'] })
@Index({ properties: ['affiliate', 'id'] })
@Index({ properties: ['status', 'nextTryAt'] })
@Index({ properties: ['stripeTransferId'] })
@Unique({ properties: ['batch', 'affiliate', 'currency'] })
@Check({ name: 'payout_item_amount_positive', expression: 'amount_minor > 0 and amount_minor = gross_minor + clawback_minor' })
@Check({ name: 'payout_item_posted_has_transfer', expression: `status <> 'POSTED' or stripe_transfer_id is not null` })
export class PayoutItem extends TenantEntity {
  [OptionalProps]?: 'id' | 'status' | 'attempts' | 'createdAt' | 'keySpent' | 'transientFailures' | 'transferReversed' | 'transferReversedMinor';

  @ManyToOne(() => PayoutBatch, { ref: true })
  batch!: Ref<PayoutBatch>;

  @ManyToOne(() => Affiliate, { ref: true })
  affiliate!: Ref<Affiliate>;

  /** The connected account the transfer goes to, fixed when the item is created. */
  @Property({ length: 64 })
  destination!: string;

  @Field()
  @Property({ length: 3 })
  currency!: string;

  /** Net: grossMinor + clawbackMinor. */
  @Authorized(payoutsPolicy.item)
  @Field(() => SafeIntResolver, { description: 'Net: grossMinor − the clawbacks netted in.' })
  @Property({ type: new BigIntType('number') })
  amountMinor!: number;

  @Authorized(payoutsPolicy.item)
  @Field(() => SafeIntResolver, { description: 'Σ the commissions this item pays.' })
  @Property({ type: new BigIntType('number') })
  grossMinor!: number;

  /** Σ clawbacks netted in: zero or negative. */
  @Authorized(payoutsPolicy.item)
  @Field(() => SafeIntResolver, { description: 'The clawbacks netted in (zero or negative).' })
  @Property({ type: new BigIntType('number') })
  clawbackMinor!: number;

  @Field(() => PayoutItemStatus)
  @Enum({ items: () => PayoutItemStatus, nativeEnumName: 'payout_item_status' })
  status: PayoutItemStatus = PayoutItemStatus.PENDING;

  /** The current attempt number (0: never sent). */
  @Field(() => Int)
  @Property()
  attempts: number = 0;

  /**
   * The current attempt's key got a definite answer (5xx or 4xx), which Stripe keeps for it:
   * the next try must reconcile (list by transfer_group) and then use attempt + 1.
   */
  @Property()
  keySpent: boolean = false;

  /** Calls without a definite answer since the last one that had one (backoff). */
  @Property()
  transientFailures: number = 0;

  /** Not before this may a runner try again (backoff after a call without a definite answer). */
  @Property({ type: 'timestamptz', nullable: true })
  nextTryAt?: Date | null;

  /** The claim holding the item (runner id / claim number), until leaseUntil: nothing else sends it meanwhile. */
  @Property({ length: 64, nullable: true })
  leaseOwner?: string | null;

  @Property({ type: 'timestamptz', nullable: true })
  leaseUntil?: Date | null;

  @Authorized(payoutsPolicy.item)
  @Field(() => String, { nullable: true })
  @Property({ length: 64, nullable: true })
  stripeTransferId?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ length: 100, nullable: true })
  failureCode?: string | null;

  /** Stripe's words, which can name the platform's key and accounts: for operators. */
  @Authorized(payoutsPolicy.read)
  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  failureMessage?: string | null;

  /** The last call without a definite answer (timeout, 409, 429, 5xx), for operators. */
  @Authorized(payoutsPolicy.read)
  @Field(() => String, { nullable: true, description: 'The last transient problem (timeout, rate limit, Stripe 5xx); the item is retried.' })
  @Property({ type: 'text', nullable: true })
  lastError?: string | null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  postedAt?: Date | null;

  /** Set by a `transfer.reversed` webhook. */
  @Field({ description: 'Stripe reported the transfer reversed (transfer.reversed webhook).' })
  @Property()
  transferReversed: boolean = false;

  @Authorized(payoutsPolicy.item)
  @Field(() => SafeIntResolver)
  @Property({ type: new BigIntType('number') })
  transferReversedMinor: number = 0;

  @Field()
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}

/** The monthly schedule ran for a campaign and period: at most once (primary key). */
@Entity()
@tenantScoped
export class PayoutScheduleRun {
  [OptionalProps]?: 'createdAt';

  @ManyToOne(() => Campaign, { ref: true, primary: true })
  campaign!: Ref<Campaign>;

  @PrimaryKey({ length: 7 })
  period!: string;

  @ManyToOne(() => Merchant, { ref: true })
  merchant!: Ref<Merchant>;

  /** The batch it created; null when there was nothing to pay. */
  @Property({ type: 'uuid', nullable: true })
  batchId?: string | null;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
