import { BigIntType, Entity, Enum, OptionalProps, Property } from '@mikro-orm/core';
import { Authorized, Field, Int, ObjectType } from 'type-graphql';
import type { IntakeField } from '@sorae/intake';
import { tenantScoped } from '../tenancy.js';
import { CampaignStatus, CommissionDuration, CommissionType } from './campaign.enums.js';
import { IntakeField as IntakeFieldType } from './campaign.types.js';
import { TenantEntity } from '../tenant-entity.js';
import { campaignsPolicy } from './policy.js';

@Entity()
@tenantScoped
@ObjectType({
  description:
    "A campaign. Affiliates and applicants read only id, name, slug and intakeFields; the rest is for operators and reading keys (campaigns' policy.ts).",
})
export class Campaign extends TenantEntity {
  [OptionalProps]?:
    'id' | 'createdAt' | 'updatedAt' | 'status' | 'showRejectionReasonToApplicant' | 'autoExecutePayouts' | 'description' | 'commissionDuration';

  @Field()
  @Property({ length: 200 })
  name!: string;

  /** Public pages address campaigns by slug alone, so it is unique across merchants. */
  @Field()
  @Property({ length: 64, unique: true })
  slug!: string;

  @Authorized(campaignsPolicy.terms)
  @Field({ description: 'What the program offers, shown on the public application page and in the portal (plain text).' })
  @Property({ type: 'text' })
  description: string = '';

  @Authorized(campaignsPolicy.terms)
  @Field(() => String, { nullable: true, description: "The name the program is offered under; null: the merchant's name." })
  @Property({ length: 200, nullable: true })
  brandName?: string | null;

  @Authorized(campaignsPolicy.terms)
  @Field(() => String, { nullable: true, description: 'An https:// image shown beside the name on the public page and in the portal.' })
  @Property({ length: 2048, nullable: true })
  logoUrl?: string | null;

  @Authorized(campaignsPolicy.terms)
  @Field(() => CampaignStatus)
  @Enum({ items: () => CampaignStatus, nativeEnumName: 'campaign_status' })
  status: CampaignStatus = CampaignStatus.ACTIVE;

  @Authorized(campaignsPolicy.terms)
  @Field()
  @Property({ length: 2048 })
  destinationUrl!: string;

  @Authorized(campaignsPolicy.terms)
  @Field()
  @Property({ length: 3 })
  currency!: string;

  @Enum({ items: () => CommissionType, nativeEnumName: 'commission_type' })
  commissionType!: CommissionType;

  /** Basis points of the order amount, for PERCENTAGE. */
  @Property({ nullable: true })
  commissionRateBps?: number;

  /** Minor units per order, for FLAT. */
  @Property({ type: new BigIntType('number'), nullable: true })
  commissionAmountMinor?: number;

  /** Whether a subscription's later payments earn too (see orders' recurring rules). */
  @Enum({ items: () => CommissionDuration, nativeEnumName: 'commission_duration' })
  commissionDuration: CommissionDuration = CommissionDuration.ONCE;

  /** MONTHS: billing months that earn, counted from the first paid one. */
  @Property({ nullable: true })
  commissionDurationMonths?: number | null;

  @Authorized(campaignsPolicy.terms)
  @Field(() => String, {
    nullable: true,
    description: 'A coupon in the Stripe account the merchant sells through: each approved enrollment gets its own promotion code for it.',
  })
  @Property({ length: 255, nullable: true })
  stripeCouponId?: string | null;

  @Authorized(campaignsPolicy.terms)
  @Field(() => Int)
  @Property()
  attributionWindowDays!: number;

  @Authorized(campaignsPolicy.terms)
  @Field(() => Int)
  @Property()
  holdDays!: number;

  @Authorized(campaignsPolicy.terms)
  @Field(() => Int)
  @Property({ type: new BigIntType('number') })
  minPayoutMinor!: number;

  @Authorized(campaignsPolicy.terms)
  @Field(() => Int)
  @Property()
  payoutDayOfMonth!: number;

  @Field(() => [IntakeFieldType])
  @Property({ type: 'jsonb' })
  intakeFields!: IntakeField[];

  @Authorized(campaignsPolicy.terms)
  @Field()
  @Property()
  showRejectionReasonToApplicant: boolean = false;

  @Authorized(campaignsPolicy.terms)
  @Field()
  @Property()
  autoExecutePayouts: boolean = false;

  @Authorized(campaignsPolicy.terms)
  @Field()
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Authorized(campaignsPolicy.terms)
  @Field()
  @Property({ type: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}

export { CampaignStatus, CommissionDuration, CommissionType };
