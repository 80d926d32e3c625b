import { Entity, Enum, ManyToOne, OneToOne, OptionalProps, Property, Unique, type Ref } from '@mikro-orm/core';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { Affiliate } from '../affiliates/index.js';
import { Campaign } from '../campaigns/index.js';
import { tenantScoped } from '../tenancy.js';
import { Application } from './application.entity.js';
import { TenantEntity } from '../tenant-entity.js';

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
export class Enrollment extends TenantEntity {
  [OptionalProps]?: 'id' | 'status' | 'createdAt';

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
