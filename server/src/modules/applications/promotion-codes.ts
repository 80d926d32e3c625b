import type { EntityManager } from '@mikro-orm/postgresql';

/** What became of a promotion code's creation: its Stripe id, or why it cannot be made (a missing coupon), for the enrollment to show. */
export type PromotionCodeOutcome = { stripeId: string } | { refused: string };

/**
 * What approving and suspending ask of the Stripe account the merchant sells through (the
 * stripe-sales module implements it; services.ts wires it): applications → stripe-sales would
 * run against the arrows.
 */
export interface PromotionCodeIssuer {
  /**
   * Creates the enrollment's promotion code for the coupon under the idempotency key
   * `promotionCodeKey(enrollmentId, coupon)`, so a retry never creates a second one. It first
   * asks Stripe for the coupon: a missing one is refused before any create (whose error Stripe
   * would keep under the key), so the same key still works once the coupon exists. Null when
   * the merchant has no sales account connected; throws when Stripe gave no definite answer.
   */
  createPromotionCode(
    em: EntityManager,
    merchantId: string,
    code: { enrollmentId: string; coupon: string; code: string },
  ): Promise<PromotionCodeOutcome | null>;
  /** Turns a created promotion code off (a suspended enrollment, a replaced coupon) or on again. */
  setPromotionCodeActive(em: EntityManager, merchantId: string, stripeId: string, active: boolean): Promise<void>;
}

/** One promotion code per enrollment and coupon: a changed coupon gets a code of its own. */
export const promotionCodeKey = (enrollmentId: string, coupon: string) => `promotion-code:${enrollmentId}:${coupon}`;
