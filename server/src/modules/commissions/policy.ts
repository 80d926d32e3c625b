import { access, FINANCE, PAYOUTS, READ } from '../../graphql/access.js';
import type { Affiliate } from '../auth/affiliate.entity.js';

/**
 * Who sees affiliates' earnings: FINANCE and OWNER operators, keys with READ, and the affiliate
 * itself. A REVIEWER sees affiliates, their clicks and how many conversions they won, not money.
 */
export const commissionsPolicy = {
  /** Commission lists and clawbacks. */
  read: access({ what: 'commissions (FINANCE and OWNER, keys with READ)', roles: [FINANCE], scopes: [READ] }),
  /** A commission's amounts and adjustments: also the affiliate who earns it. */
  amount: access<{ affiliate: { id: string } }>({ what: 'commission amounts (FINANCE and OWNER)', roles: [FINANCE], scopes: [READ], affiliates: (c) => c.affiliate.id }),
  /** Clawback amounts (affiliates see theirs netted in their payouts). */
  clawbackAmount: access({ what: 'clawback amounts (FINANCE and OWNER)', roles: [FINANCE], scopes: [READ] }),
  /** Sums in affiliate stats: reached only through an affiliate the caller may read (me.stats is the affiliate's own). */
  earnings: access({ what: 'earnings (FINANCE and OWNER)', roles: [FINANCE], scopes: [READ], affiliates: 'ANY' }),
  /** Locking commissions before their hold ends moves money closer to a transfer. */
  finalize: access({ what: 'finalizing commissions (FINANCE and OWNER, keys with PAYOUTS)', roles: [FINANCE], scopes: [PAYOUTS] }),
  /** The affiliates list and pages: operators and reading keys (no applicant answers there). */
  affiliates: access({ what: 'reading affiliates', roles: 'ANY', scopes: [READ] }),
  /** One affiliate's activity (stats, clicks, conversions): operators, reading keys, and the affiliate itself. */
  affiliateRecord: access<Affiliate>({ what: "an affiliate's activity", roles: 'ANY', scopes: [READ], affiliates: (a) => a.id }),
  /** One affiliate's commission list: money, so FINANCE and OWNER, reading keys, and the affiliate itself. */
  affiliateCommissions: access<Affiliate>({ what: 'commissions (FINANCE and OWNER)', roles: [FINANCE], scopes: [READ], affiliates: (a) => a.id }),
};
