import { access, FINANCE, ORDERS, READ } from '../../graphql/access.js';

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
};
