import { access, FINANCE, PAYOUTS, READ } from '../../graphql/access.js';
import type { Affiliate } from '../affiliates/index.js';

/** Who may see and move payouts. */
export const payoutsPolicy = {
  /** Batches, their items, skips and progress (a key that sends payouts follows them too). */
  read: access({ what: 'payouts (FINANCE and OWNER, keys with READ or PAYOUTS)', roles: [FINANCE], scopes: [READ, PAYOUTS] }),
  /** Building, executing, retrying and discarding batches: a transfer follows. */
  send: access({ what: 'sending payouts (FINANCE and OWNER, keys with PAYOUTS)', roles: [FINANCE], scopes: [PAYOUTS] }),
  /** A payout item's amounts and transfer: also the affiliate it pays. */
  item: access<{ affiliate: { id: string } }>({
    what: 'payout amounts (FINANCE and OWNER)',
    roles: [FINANCE],
    scopes: [READ, PAYOUTS],
    affiliates: (i) => i.affiliate.id,
  }),
  /** Where an affiliate is paid (Stripe account, readiness): FINANCE and OWNER, reading keys, the affiliate itself. */
  account: access<Affiliate>({ what: 'payout accounts (FINANCE and OWNER)', roles: [FINANCE], scopes: [READ], affiliates: (a) => a.id }),
  /** Fields of the signed-in affiliate's own account view (reached only through `account` or `me`). */
  accountDetails: access({ what: 'payout accounts (FINANCE and OWNER)', roles: [FINANCE], scopes: [READ], affiliates: 'ANY' }),
};
