import { graphql } from '../../../gql';

/** My payouts, newest first, each with the commissions it paid. */
export const MyPayoutsDocument = graphql(`
  query MyPayouts($first: Int, $after: String) {
    me {
      affiliate {
        id
      }
      payoutAccount {
        status
      }
      payouts(first: $first, after: $after) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          node {
            id
            status
            amountMinor
            grossMinor
            clawbackMinor
            currency
            stripeTransferId
            postedAt
            createdAt
            transferReversed
            batch {
              id
              period
              campaign {
                id
                name
              }
            }
            commissions {
              id
              amountMinor
              currency
              createdAt
              finalizedAt
              paidAt
              conversion {
                id
                orderId
                occurredAt
              }
            }
          }
        }
      }
    }
  }
`);
