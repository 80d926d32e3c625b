import { graphql } from '../../../gql';

/**
 * An affiliate as a row of the list: the detail query spreads it and adds the rest. Money
 * comes per currency (stats.byCurrency), never added across currencies, and only when
 * `$money` says the operator may see it (a REVIEWER may not: the server refuses those fields).
 */
export const AffiliateSummaryFragment = graphql(`
  fragment AffiliateSummary on Affiliate {
    id
    name
    email
    createdAt
    stats {
      clicks
      conversions
      byCurrency @include(if: $money) {
        currency
        pendingMinor
      }
    }
    payoutAccount @include(if: $money) {
      status
      payoutsEnabled
    }
  }
`);

export const AffiliatesDocument = graphql(`
  query Affiliates($filter: AffiliateFilter, $first: Int, $after: String, $money: Boolean!) {
    affiliates(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo {
        ...PageInfoFields
      }
      edges {
        node {
          ...AffiliateSummary
        }
      }
    }
  }
`);

/** The campaign filter's choices. */
export const AffiliateFilterChoicesDocument = graphql(`
  query AffiliateFilterChoices {
    campaigns(first: 100) {
      edges {
        node {
          id
          name
        }
      }
    }
  }
`);

export const AffiliateDocument = graphql(`
  query Affiliate($id: ID!, $money: Boolean!) {
    affiliate(id: $id) {
      ...AffiliateSummary
      stats {
        byCurrency @include(if: $money) {
          currency
          finalizedMinor
          paidMinor
        }
      }
      payoutAccount @include(if: $money) {
        stripeAccountId
      }
      enrollments {
        ...EnrollmentRow
      }
    }
    campaigns(first: 100) {
      edges {
        node {
          id
          name
        }
      }
    }
  }
`);

export const AffiliateClicksDocument = graphql(`
  query AffiliateClicks($id: ID!, $first: Int, $after: String) {
    affiliate(id: $id) {
      id
      clicks(first: $first, after: $after) {
        totalCount
        pageInfo {
          ...PageInfoFields
        }
        edges {
          node {
            id
            occurredAt
            campaignId
            referer
            utmSource
            utmMedium
            utmCampaign
            utmTerm
            utmContent
            isBot
            visitorId
          }
        }
      }
    }
  }
`);

export const AffiliateConversionsDocument = graphql(`
  query AffiliateConversions($id: ID!, $first: Int, $after: String, $money: Boolean!) {
    affiliate(id: $id) {
      id
      conversions(first: $first, after: $after) {
        totalCount
        pageInfo {
          ...PageInfoFields
        }
        edges {
          node {
            id
            orderId
            amountMinor @include(if: $money)
            currency
            occurredAt
            commissionId
            attribution {
              winner {
                clickId
                campaignId
                occurredAt
              }
            }
          }
        }
      }
    }
  }
`);

export const AffiliateCommissionsDocument = graphql(`
  query AffiliateCommissions($id: ID!, $first: Int, $after: String) {
    affiliate(id: $id) {
      id
      commissions(first: $first, after: $after) {
        totalCount
        pageInfo {
          ...PageInfoFields
        }
        edges {
          node {
            ...CommissionSummary
          }
        }
      }
    }
  }
`);

/** One of the affiliate's campaign memberships: its share link and whether it is suspended. */
export const EnrollmentRowFragment = graphql(`
  fragment EnrollmentRow on Enrollment {
    id
    shareCode
    shareUrl
    promotionCode
    promotionCodeError
    status
    createdAt
    campaign {
      id
      name
    }
  }
`);

/** SUSPENDED stops the share link at once (404) and its clicks no longer win attribution. */
export const SetEnrollmentStatusDocument = graphql(`
  mutation SetEnrollmentStatus($id: ID!, $status: EnrollmentStatus!) {
    setEnrollmentStatus(id: $id, status: $status) {
      ...EnrollmentRow
    }
  }
`);
