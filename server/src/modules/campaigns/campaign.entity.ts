import { BigIntType, Entity, Enum, OptionalProps, Property } from '@mikro-orm/core';
import { Field, Int, ObjectType } from 'type-graphql';
import { tenantScoped } from '../tenancy.js';
import { CampaignStatus, CommissionType } from './campaign.enums.js';
import type { IntakeField } from './intake-fields.js';
import { IntakeField as IntakeFieldType } from './campaign.types.js';
import { TenantEntity } from '../tenant-entity.js';

@Entity()
@tenantScoped
@ObjectType()
export class Campaign extends TenantEntity {
  [OptionalProps]?: 'id' | 'createdAt' | 'updatedAt' | 'status' | 'showRejectionReasonToApplicant' | 'autoExecutePayouts';

  @Field()
  @Property({ length: 200 })
  name!: string;

  /** Public pages address campaigns by slug alone, so it is unique across merchants. */
  @Field()
  @Property({ length: 64, unique: true })
  slug!: string;

  @Field(() => CampaignStatus)
  @Enum({ items: () => CampaignStatus, nativeEnumName: 'campaign_status' })
  status: CampaignStatus = CampaignStatus.ACTIVE;

  @Field()
  @Property({ length: 2048 })
  destinationUrl!: string;

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

  @Field(() => Int)
  @Property()
  attributionWindowDays!: number;

  @Field(() => Int)
  @Property()
  holdDays!: number;

  @Field(() => Int)
  @Property({ type: new BigIntType('number') })
  minPayoutMinor!: number;

  @Field(() => Int)
  @Property()
  payoutDayOfMonth!: number;

  @Field(() => [IntakeFieldType])
  @Property({ type: 'jsonb' })
  intakeFields!: IntakeField[];

  @Field()
  @Property()
  showRejectionReasonToApplicant: boolean = false;

  @Field()
  @Property()
  autoExecutePayouts: boolean = false;

  @Field()
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Field()
  @Property({ type: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}

export { CampaignStatus, CommissionType };
