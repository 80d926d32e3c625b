import { registerEnumType } from 'type-graphql';

export enum CampaignStatus {
  ACTIVE = 'ACTIVE',
  PAUSED = 'PAUSED',
  ARCHIVED = 'ARCHIVED',
}

export enum CommissionType {
  PERCENTAGE = 'PERCENTAGE',
  FLAT = 'FLAT',
}

/** How long a subscription's payments earn: the first only, a number of months, or for as long as it is paid. */
export enum CommissionDuration {
  ONCE = 'ONCE',
  MONTHS = 'MONTHS',
  FOREVER = 'FOREVER',
}

registerEnumType(CampaignStatus, { name: 'CampaignStatus' });
registerEnumType(CommissionType, { name: 'CommissionType' });
registerEnumType(CommissionDuration, { name: 'CommissionDuration' });
