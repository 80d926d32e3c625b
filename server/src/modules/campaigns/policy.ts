import { access, READ } from '../../graphql/access.js';

/** Who may do what with campaigns. */
export const campaignsPolicy = {
  /** Creating and changing campaigns: owners. */
  manage: access({ what: 'changing campaigns (owners)', roles: [], scopes: [] }),
  /** Listing campaigns: operators, and keys that read (integrations filter commissions by campaign). */
  read: access({ what: 'reading campaigns', roles: 'ANY', scopes: [READ] }),
  /**
   * A campaign's terms and settings (commission, hold, payout settings, destination, status…):
   * operators and reading keys. Affiliates and applicants read a campaign's id, name, slug and
   * intake form here, and the terms a program offers through `publicCampaign` (public by design:
   * no destination, status detail or payout setting beyond what an applicant is promised).
   */
  terms: access({ what: "a campaign's terms (operators)", roles: 'ANY', scopes: [READ] }),
};
