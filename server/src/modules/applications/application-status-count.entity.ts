import { BigIntType, Entity, Enum, PrimaryKey, Property } from '@mikro-orm/core';
import { ApplicationStatus } from './application.entity.js';

/**
 * How many applications a campaign has in each status. Written only by the database trigger
 * `application_status_count_change` (see its migration), read for the queue's counts.
 */
@Entity({ tableName: 'application_status_count' })
export class ApplicationStatusCount {
  @PrimaryKey({ type: 'uuid' })
  merchantId!: string;

  @PrimaryKey({ type: 'uuid' })
  campaignId!: string;

  @Enum({ items: () => ApplicationStatus, nativeEnumName: 'application_status', primary: true })
  status!: ApplicationStatus;

  @Property({ type: new BigIntType('number'), default: 0 })
  n!: number;
}
