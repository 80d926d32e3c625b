import { graphql } from '../../../gql';

/** The Stripe account the merchant sells through, as Settings → Integrations → Stripe shows it. */
export const StripeSalesDocument = graphql(`
  query StripeSales {
    currentUser {
      id
      role
      merchant {
        id
        stripeSales {
          status
          accountId
          connectedAt
          lastError
          lastEventAt
          webhookUrl
          demoAvailable
          missingCoupons
        }
      }
    }
  }
`);

export const ConnectStripeSalesDocument = graphql(`
  mutation ConnectStripeSales($apiKey: String!) {
    connectStripeSales(apiKey: $apiKey) {
      status
    }
  }
`);

export const ConnectDemoStripeSalesDocument = graphql(`
  mutation ConnectDemoStripeSales {
    connectDemoStripeSales {
      status
    }
  }
`);

export const DisconnectStripeSalesDocument = graphql(`
  mutation DisconnectStripeSales {
    disconnectStripeSales {
      status
    }
  }
`);
