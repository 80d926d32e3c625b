import { access } from '../../graphql/access.js';

/** Who may manage where the merchant's events go. */
export const webhooksPolicy = {
  /** Endpoints receive every subscribed event's data (affiliates' emails, amounts): owners only, never a key. */
  manage: access({ what: 'webhook endpoints (owners)', roles: [], scopes: [] }),
};
