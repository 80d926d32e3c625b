import { access } from '../../graphql/access.js';

/** Who may read the mail the merchant sent. */
export const mailPolicy = {
  /** The outbox holds applicants' confirmation links and affiliates' payout notices: owners only, never a key. */
  outbox: access({ what: 'the outbox (owners)', roles: [], scopes: [] }),
};
