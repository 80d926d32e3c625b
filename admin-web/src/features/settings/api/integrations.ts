import { graphql } from '../../../gql';

/**
 * The merchant id the store names in `Sorae-Merchant`, where the store posts orders and loads
 * sorae.js from (the server's PUBLIC_URL, right behind a proxy and under `npm run dev`), and
 * whether this operator may rotate.
 */
export const IntegrationsDocument = graphql(`
  query Integrations {
    currentUser {
      id
      role
      merchant {
        id
        name
        orderWebhookUrl
        scriptUrl
      }
    }
  }
`);

export const RotateOrderWebhookSecretDocument = graphql(`
  mutation RotateOrderWebhookSecret {
    rotateOrderWebhookSecret
  }
`);
