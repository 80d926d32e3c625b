import { access, FINANCE, READ } from '../../graphql/access.js';

/**
 * Who sees affiliates: operators and reading keys see the list and each one's activity; their
 * earnings are for FINANCE and OWNER, reading keys, and the affiliate itself. A REVIEWER sees
 * affiliates, their clicks and how many conversions they won, not money.
 */
export const affiliatesPolicy = {
  /** The affiliates list and pages: operators and reading keys (no applicant answers there). */
  list: access({ what: 'reading affiliates', roles: 'ANY', scopes: [READ] }),
  /** One affiliate's activity (stats, clicks, conversions): operators, reading keys, and the affiliate itself. */
  record: access<{ id: string }>({ what: "an affiliate's activity", roles: 'ANY', scopes: [READ], affiliates: (a) => a.id }),
  /** Sums in affiliate stats: reached only through an affiliate the caller may read (me.stats is the affiliate's own). */
  earnings: access({ what: 'earnings (FINANCE and OWNER)', roles: [FINANCE], scopes: [READ], affiliates: 'ANY' }),
};
