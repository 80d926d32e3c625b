import { Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { IntakeFieldType } from '@sorae/intake';
import { CampaignStatus, CommissionDuration, CommissionType } from './campaign.enums.js';

registerEnumType(IntakeFieldType, { name: 'IntakeFieldType' });

@ObjectType({ description: 'A question on the public application form.' })
export class IntakeField {
  @Field()
  key!: string;

  @Field()
  label!: string;

  @Field(() => IntakeFieldType)
  type!: IntakeFieldType;

  @Field()
  required!: boolean;

  @Field(() => [String])
  options!: string[];

  @Field(() => Number, { nullable: true, description: 'NUMBER: lowest value. TEXT/TEXTAREA: shortest length. MULTISELECT: fewest choices.' })
  min!: number | null;

  @Field(() => Number, { nullable: true, description: 'NUMBER: highest value. TEXT/TEXTAREA: longest length. MULTISELECT: most choices.' })
  max!: number | null;

  @Field(() => String, { nullable: true })
  helpText!: string | null;
}

@ObjectType()
export class CommissionRule {
  @Field(() => CommissionType)
  type!: CommissionType;

  @Field(() => Int, { nullable: true, description: 'PERCENTAGE: basis points of the order amount (1000 = 10%).' })
  rateBps!: number | null;

  @Field(() => Int, { nullable: true, description: 'FLAT: minor units per order.' })
  amountMinor!: number | null;

  @Field(() => CommissionDuration, {
    description: "ONCE: a subscription's first payment only; MONTHS: its first durationMonths billing months; FOREVER: every payment.",
  })
  duration!: CommissionDuration;

  @Field(() => Int, { nullable: true, description: 'MONTHS: how many billing months earn, counted from the first paid one.' })
  durationMonths!: number | null;
}

@ObjectType({ description: 'What an applicant sees of a campaign, without signing in: the program and its terms, never its destination or settings.' })
export class PublicCampaign {
  @Field()
  name!: string;

  @Field()
  slug!: string;

  @Field()
  description!: string;

  @Field({ description: "Who offers the program: the campaign's brand name, or else the merchant's name." })
  merchantName!: string;

  @Field(() => String, { nullable: true })
  logoUrl!: string | null;

  @Field()
  currency!: string;

  @Field(() => CommissionRule)
  commission!: CommissionRule;

  @Field(() => Int, { description: 'Days after a click within which an order still earns the commission (the cookie window).' })
  attributionWindowDays!: number;

  @Field(() => Int, { description: 'Days a commission waits for refunds before it is locked for payout.' })
  holdDays!: number;

  @Field(() => Int, { description: 'Payouts are sent on this day of each month.' })
  payoutDayOfMonth!: number;

  @Field(() => Int, { description: 'Smaller balances wait for the next month.' })
  minPayoutMinor!: number;

  @Field(() => CampaignStatus)
  status!: CampaignStatus;

  @Field({ description: 'False when the campaign is paused or archived: the form is not shown.' })
  acceptingApplications!: boolean;

  @Field(() => [IntakeField])
  intakeFields!: IntakeField[];
}

@InputType()
export class IntakeFieldInput {
  @Field()
  key!: string;

  @Field()
  label!: string;

  @Field(() => IntakeFieldType)
  type!: IntakeFieldType;

  @Field({ nullable: true, defaultValue: false })
  required?: boolean;

  @Field(() => [String], { nullable: true })
  options?: string[];

  @Field(() => Number, { nullable: true })
  min?: number;

  @Field(() => Number, { nullable: true })
  max?: number;

  @Field(() => String, { nullable: true })
  helpText?: string;
}

@InputType()
export class CommissionRuleInput {
  @Field(() => CommissionType)
  type!: CommissionType;

  @Field(() => Int, { nullable: true })
  rateBps?: number;

  @Field(() => Int, { nullable: true })
  amountMinor?: number;

  @Field(() => CommissionDuration, { nullable: true, description: 'Default ONCE.' })
  duration?: CommissionDuration;

  @Field(() => Int, { nullable: true, description: 'Required for MONTHS (1 to 120).' })
  durationMonths?: number;
}

@InputType()
export class CampaignInput {
  @Field()
  name!: string;

  @Field()
  slug!: string;

  @Field()
  destinationUrl!: string;

  @Field()
  currency!: string;

  @Field(() => CommissionRuleInput)
  commission!: CommissionRuleInput;

  @Field(() => Int, { nullable: true, description: 'Default 30.' })
  attributionWindowDays?: number;

  @Field(() => Int, { nullable: true, description: 'Default 30.' })
  holdDays?: number;

  @Field(() => Int, { nullable: true, description: 'Default 0.' })
  minPayoutMinor?: number;

  @Field(() => Int, { nullable: true, description: 'Day 1 to 28. Default 1.' })
  payoutDayOfMonth?: number;

  @Field(() => [IntakeFieldInput], { nullable: true })
  intakeFields?: IntakeFieldInput[];

  @Field({ nullable: true })
  showRejectionReasonToApplicant?: boolean;

  @Field({ nullable: true, description: 'Execute the monthly batch as soon as the schedule creates it.' })
  autoExecutePayouts?: boolean;

  @Field({ nullable: true, description: 'Plain text, up to 2000 characters.' })
  description?: string;

  @Field({ nullable: true, description: "Empty: the merchant's name." })
  brandName?: string;

  @Field({ nullable: true, description: 'An https:// image URL; empty removes the logo.' })
  logoUrl?: string;

  @Field({ nullable: true, description: 'A coupon id in the Stripe account the merchant sells through; empty: no promotion codes.' })
  stripeCouponId?: string;
}

@InputType()
export class CampaignUpdateInput {
  @Field({ nullable: true })
  name?: string;

  @Field({ nullable: true })
  slug?: string;

  @Field(() => CampaignStatus, { nullable: true })
  status?: CampaignStatus;

  @Field({ nullable: true })
  destinationUrl?: string;

  @Field({ nullable: true })
  currency?: string;

  @Field(() => CommissionRuleInput, { nullable: true })
  commission?: CommissionRuleInput;

  @Field(() => Int, { nullable: true })
  attributionWindowDays?: number;

  @Field(() => Int, { nullable: true })
  holdDays?: number;

  @Field(() => Int, { nullable: true })
  minPayoutMinor?: number;

  @Field(() => Int, { nullable: true })
  payoutDayOfMonth?: number;

  @Field(() => [IntakeFieldInput], { nullable: true })
  intakeFields?: IntakeFieldInput[];

  @Field({ nullable: true })
  showRejectionReasonToApplicant?: boolean;

  @Field({ nullable: true })
  autoExecutePayouts?: boolean;

  @Field({ nullable: true })
  description?: string;

  @Field({ nullable: true, description: "Empty: the merchant's name." })
  brandName?: string;

  @Field({ nullable: true, description: 'Empty removes the logo.' })
  logoUrl?: string;

  @Field({ nullable: true, description: 'Empty: no promotion codes for new enrollments.' })
  stripeCouponId?: string;
}
