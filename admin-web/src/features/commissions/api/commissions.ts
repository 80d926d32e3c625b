import { graphql } from '../../../gql';

/** Whether the operator may finalize (FINANCE and OWNER), and the campaign filter's choices. */
export const CommissionFilterChoicesDocument = graphql(`
  query CommissionFilterChoices {
    currentUser {
      id
      role
    }
    campaigns(first: 100) {
      edges {
        node {
          id
          name
          holdDays
        }
      }
    }
  }
`);

/** The affiliate filter's type-ahead: a few affiliates whose name or email contains the text. */
export const AffiliateSearchDocument = graphql(`
  query AffiliateSearch($search: String!) {
    affiliates(filter: { search: $search }, first: 8) {
      edges {
        node {
          id
          name
          email
        }
      }
    }
  }
`);

/** One affiliate's name: the chosen filter, and whose link a touch was on. */
export const AffiliateNameDocument = graphql(`
  query AffiliateName($id: ID!) {
    affiliate(id: $id) {
      id
      name
      email
    }
  }
`);

/** One touch of an attribution explanation, as AttributionExplanation shows it. */
export const TouchExplainedFragment = graphql(`
  fragment TouchExplained on AttributionTouch {
    clickId
    channel
    occurredAt
    kept
    reason
    matchedBy
    affiliateId
    campaignId
    referralCode
    promotionCode
  }
`);

/** A commission's amounts, campaign and order: the affiliate page's rows, and the start of CommissionRow. */
export const CommissionSummaryFragment = graphql(`
  fragment CommissionSummary on Commission {
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
    campaign {
      id
      name
    }
    conversion {
      id
      orderId
    }
  }
`);

export const CommissionRowFragment = graphql(`
  fragment CommissionRow on Commission {
    ...CommissionSummary
    affiliate {
      id
      name
      email
    }
    conversion {
      channel
      occurredAt
      amountMinor
      currency
      attribution {
        rule
        orderAheadOfClock
        winner {
          ...TouchExplained
        }
        touches {
          ...TouchExplained
        }
      }
    }
    adjustments {
      id
      kind
      amountMinor
      reason
      createdAt
    }
  }
`);

export const CommissionsDocument = graphql(`
  query Commissions($filter: CommissionFilter, $first: Int, $after: String) {
    commissions(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo {
        ...PageInfoFields
      }
      edges {
        node {
          ...CommissionRow
        }
      }
    }
  }
`);

export const FinalizeCommissionsDocument = graphql(`
  mutation FinalizeCommissions($input: FinalizeCommissionsInput!) {
    finalizeCommissions(input: $input) {
      finalizedCount
    }
  }
`);
