import { graphql } from '../../../gql';

/** REFERRAL (customer-refers-customer) conversions, newest first: never affiliate commissions. */
export const ReferralConversionsDocument = graphql(`
  query ReferralConversions($first: Int, $after: String) {
    referralConversions(first: $first, after: $after) {
      totalCount
      pageInfo {
        ...PageInfoFields
      }
      edges {
        node {
          id
          orderId
          referralCode
          referrerCustomerId
          amountMinor
          currency
          occurredAt
          channel
        }
      }
    }
  }
`);
