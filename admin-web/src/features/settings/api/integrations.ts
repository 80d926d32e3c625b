import { graphql } from '../../../gql';

/** The merchant id the store names in `Sorae-Merchant`, and whether this operator may rotate. */
export const IntegrationsDocument = graphql(`
  query Integrations {
    currentUser {
      id
      role
      merchant {
        id
        name
      }
    }
  }
`);

export const RotateOrderWebhookSecretDocument = graphql(`
  mutation RotateOrderWebhookSecret {
    rotateOrderWebhookSecret
  }
`);
