import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * What approving and suspending ask of the Stripe account the merchant sells through (the
 * stripe-sales module implements it; services.ts wires it): applications → stripe-sales would
 * run against the arrows.
 */
export interface PromotionCodeIssuer {
  /**
   * Creates the enrollment's promotion code for the coupon under the idempotency key
   * `promotionCodeKey(enrollmentId)`, so a retry never creates a second one; its Stripe id, or
   * null when the merchant has no sales account connected.
   */
  createPromotionCode(em: EntityManager, merchantId: string, code: { enrollmentId: string; coupon: string; code: string }): Promise<string | null>;
  /** Turns a created promotion code off (a suspended enrollment) or on again. */
  setPromotionCodeActive(em: EntityManager, merchantId: string, stripeId: string, active: boolean): Promise<void>;
}

export const promotionCodeKey = (enrollmentId: string) => `promotion-code:${enrollmentId}`;
