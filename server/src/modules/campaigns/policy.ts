import { access, READ } from '../../graphql/access.js';

/** Who may do what with campaigns. */
export const campaignsPolicy = {
  /** Creating and changing campaigns: owners. */
  manage: access({ what: 'changing campaigns (owners)', roles: [], scopes: [] }),
  /** Listing campaigns: operators, and keys that read (integrations filter commissions by campaign). */
  read: access({ what: 'reading campaigns', roles: 'ANY', scopes: [READ] }),
  /**
   * A campaign's terms and settings (commission, hold, payout settings, destination, status…):
   * operators and reading keys. Affiliates and applicants see what the public page shows: id,
   * name, slug and the intake form.
   */
  terms: access({ what: "a campaign's terms (operators)", roles: 'ANY', scopes: [READ] }),
};
