import { BigIntType, Check, Entity, Enum, Index, ManyToOne, OneToOne, OptionalProps, Property, Unique, type Ref } from '@mikro-orm/core';
import { Authorized, Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Affiliate } from '../affiliates/index.js';
import { Enrollment } from '../applications/index.js';
import { Conversion, Refund } from '../orders/index.js';
import { Campaign } from '../campaigns/index.js';
import { tenantScoped } from '../tenancy.js';
import { TenantEntity } from '../tenant-entity.js';
import { commissionsPolicy } from './policy.js';

export enum CommissionStatus {
  PENDING = 'PENDING',
  FINALIZED = 'FINALIZED',
  REVERSED = 'REVERSED',
  PAID = 'PAID',
}
registerEnumType(CommissionStatus, { name: 'CommissionStatus' });

export enum AdjustmentKind {
  REFUND = 'REFUND',
}
registerEnumType(AdjustmentKind, { name: 'AdjustmentKind' });

/**
 * What an affiliate earns for one AFFILIATE conversion. `amountMinor` changes only through
 * adjustment rows: amountMinor = originalAmountMinor + Σ adjustments, always.
 */
@Entity()
@tenantScoped
@ObjectType()
// No index carries `status`, so finalizing is a HOT update (see Migration20261124020000); paying
// sets `paid_at`, which the unpaid-rows index's predicate reads, so it writes index entries.
@Index({ properties: ['campaign', 'id'] })
@Index({ properties: ['merchant', 'id'] })
@Index({ properties: ['affiliate'] })
@Index({
  name: 'commission_unpaid_campaign_id_index',
  expression: 'create index "commission_unpaid_campaign_id_index" on "commission" ("campaign_id") where "paid_at" is null',
})
@Check({ name: 'commission_amount_within_original', expression: 'amount_minor >= 0 and amount_minor <= original_amount_minor' })
export class Commission extends TenantEntity {
  [OptionalProps]?: 'id' | 'createdAt' | 'status' | 'sequence';

  @OneToOne(() => Conversion, { ref: true, owner: true, unique: true })
  conversion!: Ref<Conversion>;

  @ManyToOne(() => Enrollment, { ref: true })
  enrollment!: Ref<Enrollment>;

  @ManyToOne(() => Affiliate, { ref: true })
  affiliate!: Ref<Affiliate>;

  @ManyToOne(() => Campaign, { ref: true })
  campaign!: Ref<Campaign>;

  @Field()
  @Property({ length: 3 })
  currency!: string;

  @Authorized(commissionsPolicy.amount)
  @Field(() => Int)
  @Property({ type: new BigIntType('number') })
  originalAmountMinor!: number;

  @Authorized(commissionsPolicy.amount)
  @Field(() => Int)
  @Property({ type: new BigIntType('number') })
  amountMinor!: number;

  @Field(() => CommissionStatus)
  @Enum({ items: () => CommissionStatus, nativeEnumName: 'commission_status' })
  status: CommissionStatus = CommissionStatus.PENDING;

  @Field(() => String, { nullable: true, description: "A subscription's payment: the subscription's id (the store's or Stripe's)." })
  @Property({ length: 200, nullable: true })
  subscriptionId?: string | null;

  @Field(() => Int, {
    description:
      "Its place in the subscription's chain: the payment's billing month counted from the first paid one (1 for the first payment, and for any one-off order).",
  })
  @Property()
  sequence: number = 1;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  finalizedAt?: Date | null;

  /** When the payout item that paid it was posted; the unpaid-rows index is partial on it. */
  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  paidAt?: Date | null;

  @Field()
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}

/** A change of a commission's amount (REFUND: negative, proportional to the refunded share). */
@Entity()
@tenantScoped
@ObjectType()
@Index({ properties: ['commission'] })
@Unique({ properties: ['commission', 'refund'] })
@Check({ name: 'commission_adjustment_refund_negative', expression: `kind <> 'REFUND' or amount_minor < 0` })
export class CommissionAdjustment extends TenantEntity {
  [OptionalProps]?: 'id' | 'createdAt';

  @ManyToOne(() => Commission, { ref: true })
  commission!: Ref<Commission>;

  @Field(() => AdjustmentKind)
  @Enum({ items: () => AdjustmentKind, nativeEnumName: 'adjustment_kind' })
  kind!: AdjustmentKind;

  @Authorized(commissionsPolicy.read)
  @Field(() => Int)
  @Property({ type: new BigIntType('number') })
  amountMinor!: number;

  @Field()
  @Property({ type: 'text' })
  reason!: string;

  @ManyToOne(() => Refund, { ref: true, nullable: true })
  refund?: Ref<Refund> | null;

  @Field()
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
