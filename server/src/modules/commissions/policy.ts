import { access, FINANCE, PAYOUTS, READ } from '../../graphql/access.js';

/** Who sees commissions: FINANCE and OWNER operators, keys with READ, and the affiliate who earns them. */
export const commissionsPolicy = {
  /** Commission lists and clawbacks. */
  read: access({ what: 'commissions (FINANCE and OWNER, keys with READ)', roles: [FINANCE], scopes: [READ] }),
  /** A commission's amounts and adjustments: also the affiliate who earns it. */
  amount: access<{ affiliate: { id: string } }>({
    what: 'commission amounts (FINANCE and OWNER)',
    roles: [FINANCE],
    scopes: [READ],
    affiliates: (c) => c.affiliate.id,
  }),
  /** Clawback amounts (affiliates see theirs netted in their payouts). */
  clawbackAmount: access({ what: 'clawback amounts (FINANCE and OWNER)', roles: [FINANCE], scopes: [READ] }),
  /** Locking commissions before their hold ends moves money closer to a transfer. */
  finalize: access({ what: 'finalizing commissions (FINANCE and OWNER, keys with PAYOUTS)', roles: [FINANCE], scopes: [PAYOUTS] }),
  /** One affiliate's commission list: money, so FINANCE and OWNER, reading keys, and the affiliate itself. */
  affiliateCommissions: access<{ id: string }>({ what: 'commissions (FINANCE and OWNER)', roles: [FINANCE], scopes: [READ], affiliates: (a) => a.id }),
};
