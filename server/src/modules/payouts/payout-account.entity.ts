import { Entity, Enum, ManyToOne, OneToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { registerEnumType } from 'type-graphql';
import { uuidv7 } from '../../ids.js';
import { Affiliate } from '../affiliates/index.js';
import { Merchant } from '../auth/index.js';
import { tenantScoped } from '../tenancy.js';

/** An affiliate's readiness to be paid, as the API shows it. */
export enum PayoutAccountStatus {
  /** No connected account (never started, or the affiliate disconnected it). */
  NOT_CONNECTED = 'NOT_CONNECTED',
  /** Created, onboarding not finished. */
  PENDING = 'PENDING',
  /** payouts_enabled and the transfers capability active: new payout items may be created. */
  ENABLED = 'ENABLED',
  /** Onboarded, but Stripe has disabled payouts or transfers (requirements past due, …). */
  RESTRICTED = 'RESTRICTED',
}
registerEnumType(PayoutAccountStatus, { name: 'PayoutAccountStatus' });

/**
 * The affiliate's Stripe Connect Express account: one row per affiliate, created once by
 * startStripeOnboarding, kept current by `account.updated` and
 * `account.application.deauthorized` webhooks.
 */
@Entity()
@tenantScoped
export class PayoutAccount {
  [OptionalProps]?: 'id' | 'createdAt' | 'updatedAt' | 'status' | 'generation' | 'payoutsEnabled' | 'transfersActive' | 'detailsSubmitted';

  @PrimaryKey({ type: 'uuid' })
  id: string = uuidv7();

  @ManyToOne(() => Merchant, { ref: true })
  merchant!: Ref<Merchant>;

  @OneToOne(() => Affiliate, { ref: true, owner: true, unique: true })
  affiliate!: Ref<Affiliate>;

  /** The connected account (`acct_…`); a new one only after a deauthorization. */
  @Property({ length: 64, unique: true })
  stripeAccountId!: string;

  /** Bumped when a deauthorized account is replaced: part of the creation idempotency key. */
  @Property()
  generation: number = 1;

  @Enum({ items: () => PayoutAccountStatus, nativeEnumName: 'payout_account_status' })
  status: PayoutAccountStatus = PayoutAccountStatus.PENDING;

  @Property()
  payoutsEnabled: boolean = false;

  @Property()
  transfersActive: boolean = false;

  @Property()
  detailsSubmitted: boolean = false;

  /** Set by `account.application.deauthorized`: the account can no longer receive transfers. */
  @Property({ type: 'timestamptz', nullable: true })
  deauthorizedAt?: Date | null;

  /**
   * When the Stripe read behind the stored status began (database clock): of two account.updated
   * handled at once, the read that began later wins, whichever commits first.
   */
  @Property({ type: 'timestamptz', nullable: true })
  stripeReadAt?: Date | null;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz' })
  updatedAt: Date = new Date();
}

/** Stripe's account → our status: ENABLED only with payouts_enabled and an active transfers capability. */
export function accountStatus(a: {
  payouts_enabled?: boolean | null;
  details_submitted?: boolean | null;
  capabilities?: { transfers?: string | null } | null;
}): PayoutAccountStatus {
  if (a.payouts_enabled && a.capabilities?.transfers === 'active') return PayoutAccountStatus.ENABLED;
  return a.details_submitted ? PayoutAccountStatus.RESTRICTED : PayoutAccountStatus.PENDING;
}
