import { Entity, Enum, ManyToOne, OneToOne, OptionalProps, PrimaryKey, Property, Unique, type Ref } from '@mikro-orm/core';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { uuidv7 } from '../../ids.js';
import { Affiliate } from '../auth/affiliate.entity.js';
import { Merchant } from '../auth/merchant.entity.js';
import { Campaign } from '../campaigns/campaign.entity.js';
import { tenantScoped } from '../tenancy.js';
import { Application } from './application.entity.js';

export enum EnrollmentStatus {
  ACTIVE = 'ACTIVE',
  SUSPENDED = 'SUSPENDED',
}
registerEnumType(EnrollmentStatus, { name: 'EnrollmentStatus' });

/** An approved affiliate's membership of a campaign, with the share code their links use. */
@Entity()
@tenantScoped
@ObjectType()
@Unique({ properties: ['campaign', 'affiliate'] })
export class Enrollment {
  [OptionalProps]?: 'id' | 'status' | 'createdAt';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = uuidv7();

  @ManyToOne(() => Merchant, { ref: true })
  merchant!: Ref<Merchant>;

  @ManyToOne(() => Campaign, { ref: true })
  campaign!: Ref<Campaign>;

  @ManyToOne(() => Affiliate, { ref: true, index: true })
  affiliate!: Ref<Affiliate>;

  @OneToOne(() => Application, { ref: true, owner: true, unique: true })
  application!: Ref<Application>;

  /** Unique across merchants: the redirect route finds the enrollment by code alone. */
  @Field()
  @Property({ length: 16, unique: true })
  shareCode!: string;

  @Field(() => EnrollmentStatus)
  @Enum({ items: () => EnrollmentStatus, nativeEnumName: 'enrollment_status' })
  status: EnrollmentStatus = EnrollmentStatus.ACTIVE;

  @Field()
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
