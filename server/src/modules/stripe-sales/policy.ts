import { access, READ } from '../../graphql/access.js';

/** Who may see and change the Stripe account a merchant sells through. */
export const stripeSalesPolicy = {
  /** Connecting hands Sorae a key to the merchant's money: owners signed in only, never an API key. */
  connect: access({ what: 'connecting the Stripe sales account (owners)', roles: [], scopes: [] }),
  /** Its status: any operator, and reading keys. */
  read: access({ what: 'the Stripe sales connection', roles: 'ANY', scopes: [READ] }),
};
