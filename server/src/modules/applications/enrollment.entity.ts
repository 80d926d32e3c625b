import { Entity, Enum, ManyToOne, OneToOne, OptionalProps, Property, Unique, type Ref } from '@mikro-orm/core';
import { Authorized, Field, ObjectType, registerEnumType } from 'type-graphql';
import { Affiliate } from '../affiliates/index.js';
import { Campaign } from '../campaigns/index.js';
import { tenantScoped } from '../tenancy.js';
import { Application } from './application.entity.js';
import { applicationsPolicy } from './policy.js';
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

  /**
   * The enrollment's own code for the campaign's Stripe coupon (when it has one), given at
   * approval: an order that used it is attributed here without a click. Unique per merchant,
   * ignoring case, as Stripe matches codes.
   */
  @Field(() => String, { nullable: true, description: "The affiliate's promotion code for the campaign's coupon; null when the campaign has none." })
  @Property({ length: 64, nullable: true })
  promotionCode?: string | null;

  /** The promotion code's id in the merchant's Stripe account, once created there. */
  @Property({ length: 255, nullable: true })
  stripePromotionCodeId?: string | null;

  /** The coupon that Stripe promotion code is for: when the campaign's coupon changes, the enrollment gets a code for the new one. */
  @Property({ length: 255, nullable: true })
  stripePromotionCouponId?: string | null;

  /** Why the promotion code could not be created in Stripe at the last attempt (the coupon is missing there); null once it is. */
  @Authorized(applicationsPolicy.enrollments)
  @Field(() => String, {
    nullable: true,
    description: 'Why the promotion code is not in the Stripe account yet (retried on its own); null when it is, or none is due.',
  })
  @Property({ type: 'text', nullable: true })
  promotionCodeError?: string | null;

  @Field(() => EnrollmentStatus)
  @Enum({ items: () => EnrollmentStatus, nativeEnumName: 'enrollment_status' })
  status: EnrollmentStatus = EnrollmentStatus.ACTIVE;

  @Field()
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
