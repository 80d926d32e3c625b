import { access, FINANCE, ORDERS, READ } from '../../graphql/access.js';
import type { Caller } from '../auth/index.js';
import type { ExplainedTouch } from './attribution.engine.js';

/** A touch of an attribution explanation as one caller may see it (the AttributionTouch type). */
export interface TouchView extends Omit<ExplainedTouch, 'occurredAt' | 'enrollmentId' | 'reason' | 'promotionCode'> {
  occurredAt: Date | null;
  promotionCode: string | null;
  reason: string;
}

/** The reason an affiliate reads on a touch that is not theirs. */
export const ANOTHER_TOUCH = 'ANOTHER_TOUCH';

/** Referral codes are the customers': operators and keys see them, affiliates never do. */
const seesReferralCodes = (caller: Caller) => caller.kind !== 'affiliate';

/** Who may do what with orders, conversions and referral codes. */
export const ordersPolicy = {
  /** recordOrder, recordRefund, createReferralCode: what a store backend does. */
  record: access({ what: 'recording orders (FINANCE, keys with ORDERS)', roles: [FINANCE], scopes: [ORDERS] }),
  /** A customer's referral code: operators, and store backends (keys with ORDERS). */
  referralCodes: access({ what: 'creating referral codes', roles: 'ANY', scopes: [ORDERS] }),
  /** Referral conversions: operators and reading keys. */
  read: access({ what: 'reading conversions', roles: 'ANY', scopes: [READ] }),
  /**
   * Order and refund amounts are money: FINANCE and OWNER, keys that record or read them, and
   * affiliates (who reach only their own conversions). REVIEWERs see that a conversion happened, not its amount.
   */
  orderAmount: access<{ affiliate?: { id: string } | null }>({
    what: 'order amounts (FINANCE and OWNER)',
    roles: [FINANCE],
    scopes: [ORDERS, READ],
    affiliates: (c) => c.affiliate?.id,
  }),
  refundAmount: access({ what: 'refund amounts (FINANCE and OWNER)', roles: [FINANCE], scopes: [ORDERS, READ] }),
  /** A conversion's referral code. */
  seesReferralCodes,
  /**
   * A touch in a conversion's explanation: everything for operators and keys; an affiliate learns
   * that a rival's touch existed, never when it happened or whose it was.
   */
  touchFor(caller: Caller, t: ExplainedTouch): TouchView {
    if (caller.kind === 'affiliate' && t.affiliateId !== caller.affiliateId) {
      return {
        clickId: null,
        channel: t.channel,
        occurredAt: null,
        affiliateId: null,
        campaignId: null,
        referralCode: null,
        promotionCode: null,
        matchedBy: [],
        kept: t.kept,
        reason: ANOTHER_TOUCH,
      };
    }
    return {
      clickId: t.clickId,
      channel: t.channel,
      occurredAt: new Date(t.occurredAt),
      affiliateId: t.affiliateId,
      campaignId: t.campaignId,
      referralCode: seesReferralCodes(caller) ? t.referralCode : null,
      promotionCode: t.promotionCode ?? null,
      matchedBy: t.matchedBy,
      kept: t.kept,
      reason: t.reason,
    };
  },
};
