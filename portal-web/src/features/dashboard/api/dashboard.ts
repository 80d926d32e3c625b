import { graphql } from '../../../gql';

/** The affiliate's links and totals, per currency (never added across currencies). */
export const DashboardDocument = graphql(`
  query Dashboard {
    me {
      affiliate {
        id
        name
      }
      enrollments {
        id
        shareCode
        shareUrl
        promotionCode
        status
        campaign {
          id
          name
          slug
        }
      }
      applications {
        id
        status
        campaign {
          id
          name
        }
      }
      stats {
        clicks
        conversions
        byCurrency {
          currency
          pendingMinor
          finalizedMinor
          paidMinor
        }
      }
      payoutAccount {
        status
      }
      payouts(first: 10) {
        edges {
          node {
            id
            status
            amountMinor
            currency
            failureCode
            createdAt
            batch {
              id
              period
              campaign {
                id
                name
              }
            }
          }
        }
      }
    }
  }
`);

/** The signed-in affiliate's clicks, conversions and earnings over a period. */
export const MyAnalyticsDocument = graphql(`
  query MyAnalytics($input: MyAnalyticsInput!) {
    me {
      affiliate {
        id
      }
      analytics(input: $input) {
        currency
        totals {
          clicks
          conversions
          commissionMinor
        }
        series {
          start
          clicks
          conversions
          commissionMinor
        }
      }
    }
  }
`);

/** One touch of why an order is the affiliate's (other affiliates' ids come back null). */
export const MyTouchFragment = graphql(`
  fragment MyTouch on AttributionTouch {
    clickId
    channel
    occurredAt
    kept
    reason
    matchedBy
    affiliateId
    campaignId
    promotionCode
  }
`);

export const MyCommissionsDocument = graphql(`
  query MyCommissions($first: Int, $after: String) {
    me {
      affiliate {
        id
      }
      commissions(first: $first, after: $after) {
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
            originalAmountMinor
            currency
            createdAt
            finalizedAt
            paidAt
            sequence
            subscriptionId
            durationMonths
            adjustments {
              id
              kind
              createdAt
            }
            campaign {
              id
              name
            }
            conversion {
              id
              orderId
              occurredAt
              attribution {
                rule
                orderAheadOfClock
                winner {
                  ...MyTouch
                }
                touches {
                  ...MyTouch
                }
              }
            }
          }
        }
      }
    }
  }
`);
