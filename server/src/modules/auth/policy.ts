import { access, ORDERS, PAYOUTS, READ } from '../../graphql/access.js';

/** Who may do what with accounts and keys. */
export const authPolicy = {
  /** API keys, the order-webhook secret: an owner signed in, never a key (a leaked key cannot mint another). */
  manageAccess: access({ what: 'managing API keys and secrets (owners)', roles: [], scopes: [] }),
  /** `currentUser`: any operator, and any key (which gets null). */
  whoAmI: access({ what: 'operator identity', roles: 'ANY', scopes: [ORDERS, READ, PAYOUTS] }),
  /** The team: its operators and invitations, listed and changed by owners only, never a key. */
  team: access({ what: 'the team (owners)', roles: [], scopes: [] }),
  /** Changing one's own password: any signed-in operator or affiliate. */
  ownAccount: access({ what: 'your own account', roles: 'ANY', scopes: [], affiliates: 'ANY' }),
  /** The affiliate portal's root and its actions. */
  portal: access({ what: 'the affiliate portal', roles: 'NONE', scopes: [], affiliates: 'ANY' }),
};
