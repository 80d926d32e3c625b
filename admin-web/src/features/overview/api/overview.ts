import { graphql } from '../../../gql';

/**
 * Everything on the overview besides the figures: the campaigns to filter by, the applications
 * waiting for review, and (for operators who see money) open payout batches.
 */
export const OverviewDocument = graphql(`
  query Overview($money: Boolean!) {
    campaigns(first: 100) {
      edges {
        node {
          id
          name
          currency
          status
          payoutDayOfMonth
        }
      }
    }
    applicationCounts {
      submitted
    }
    applications(filter: { status: SUBMITTED }, first: 5, orderBy: SUBMITTED_AT_DESC) {
      edges {
        node {
          id
          name
          email
          submittedAt
          campaign {
            id
            name
          }
        }
      }
    }
    payoutBatches(first: 20) @include(if: $money) {
      edges {
        node {
          id
          period
          status
          totalMinor
          currency
          campaign {
            id
          }
        }
      }
    }
  }
`);

/** What a campaign's next scheduled batch would pay if it were built now (per currency). */
export const PayoutPreviewDocument = graphql(`
  query PayoutPreview($campaignId: ID!, $period: String!) {
    payoutPreview(campaignId: $campaignId, period: $period) {
      currency
      amountMinor
      affiliates
      awaitingAccountMinor
      awaitingAccountAffiliates
    }
  }
`);
