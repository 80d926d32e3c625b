import { access, ORDERS, PAYOUTS, READ } from '../../graphql/access.js';

/** Who may do what with accounts and keys. */
export const authPolicy = {
  /** API keys, the order-webhook secret: an owner signed in, never a key (a leaked key cannot mint another). */
  manageAccess: access({ what: 'managing API keys and secrets (owners)', roles: [], scopes: [] }),
  /** `currentUser`: any operator, and any key (which gets null). */
  whoAmI: access({ what: 'operator identity', roles: 'ANY', scopes: [ORDERS, READ, PAYOUTS] }),
  /** The affiliate portal's root and its actions. */
  portal: access({ what: 'the affiliate portal', roles: 'NONE', scopes: [], affiliates: 'ANY' }),
};
