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

registerEnumType(CampaignStatus, { name: 'CampaignStatus' });
registerEnumType(CommissionType, { name: 'CommissionType' });
