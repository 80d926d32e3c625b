import { access, FINANCE, READ } from '../../graphql/access.js';

/**
 * Who sees analytics: every operator and reading keys see an overview's counts; its money
 * (revenue and commission) is for FINANCE and OWNER and reading keys, like affiliate stats. An
 * affiliate sees only its own figures (`me.analytics`), money included.
 */
export const analyticsPolicy = {
  /** The merchant's overview (`analytics`): operators and reading keys. */
  overview: access({ what: 'analytics', roles: 'ANY', scopes: [READ] }),
  /** Revenue and commission sums: a REVIEWER is refused them (the fields are nullable, so the counts still answer). */
  money: access({ what: 'revenue and commission figures (FINANCE and OWNER)', roles: [FINANCE], scopes: [READ], affiliates: 'ANY' }),
};
