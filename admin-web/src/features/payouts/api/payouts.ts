import { graphql } from '../../../gql';

/** Who may run payouts (FINANCE and OWNER), and the campaigns a batch can be made for. */
export const PayoutChoicesDocument = graphql(`
  query PayoutChoices {
    currentUser {
      id
      role
    }
    campaigns(first: 100) {
      edges {
        node {
          id
          name
          currency
          minPayoutMinor
        }
      }
    }
  }
`);

/** A batch's progress counts, as the list, the header and the progress bar show them. */
export const PayoutProgressFieldsFragment = graphql(`
  fragment PayoutProgressFields on PayoutProgress {
    pending
    posted
    failed
  }
`);

/** A batch as a row of the batches list: the detail query spreads it and adds the rest. */
export const PayoutBatchSummaryFragment = graphql(`
  fragment PayoutBatchSummary on PayoutBatch {
    id
    period
    status
    totalMinor
    currency
    createdAt
    scheduled
    campaign {
      id
      name
    }
    progress {
      ...PayoutProgressFields
    }
  }
`);

/** The affiliate a payout item or a skipped amount is for, with whether they can be paid. */
export const PayoutAffiliateFragment = graphql(`
  fragment PayoutAffiliate on Affiliate {
    id
    name
    email
    payoutAccount {
      status
    }
  }
`);

export const PayoutBatchesDocument = graphql(`
  query PayoutBatches($first: Int, $after: String) {
    payoutBatches(first: $first, after: $after) {
      totalCount
      pageInfo {
        ...PageInfoFields
      }
      edges {
        node {
          ...PayoutBatchSummary
        }
      }
    }
  }
`);

/** A batch's header, totals and those carried forward: the preview while it is a DRAFT. */
export const PayoutBatchDocument = graphql(`
  query PayoutBatch($id: ID!) {
    payoutBatch(id: $id) {
      ...PayoutBatchSummary
      executedAt
      completedAt
      campaign {
        id
        minPayoutMinor
      }
      skipped {
        amountMinor
        currency
        reason
        message
        affiliate {
          ...PayoutAffiliate
        }
      }
    }
  }
`);

/** What the progress bar polls while the batch executes. */
export const PayoutBatchProgressDocument = graphql(`
  query PayoutBatchProgress($id: ID!) {
    payoutBatch(id: $id) {
      id
      status
      completedAt
      progress {
        ...PayoutProgressFields
      }
    }
  }
`);

export const PayoutItemRowFragment = graphql(`
  fragment PayoutItemRow on PayoutItem {
    id
    status
    amountMinor
    grossMinor
    clawbackMinor
    currency
    attempts
    stripeTransferId
    failureCode
    failureMessage
    lastError
    postedAt
    transferReversed
    affiliate {
      ...PayoutAffiliate
    }
    commissions {
      id
    }
  }
`);

export const PayoutItemsDocument = graphql(`
  query PayoutItems($batchId: ID!, $status: PayoutItemStatus, $first: Int, $after: String) {
    payoutBatch(id: $batchId) {
      id
      items(status: $status, first: $first, after: $after) {
        totalCount
        pageInfo {
          ...PageInfoFields
        }
        edges {
          node {
            ...PayoutItemRow
          }
        }
      }
    }
  }
`);

export const CreatePayoutBatchDocument = graphql(`
  mutation CreatePayoutBatch($input: CreatePayoutBatchInput!) {
    createPayoutBatch(input: $input) {
      id
      status
    }
  }
`);

export const ExecutePayoutBatchDocument = graphql(`
  mutation ExecutePayoutBatch($id: ID!) {
    executePayoutBatch(id: $id) {
      id
      status
      executedAt
      completedAt
      progress {
        ...PayoutProgressFields
      }
    }
  }
`);

export const DiscardPayoutBatchDocument = graphql(`
  mutation DiscardPayoutBatch($id: ID!) {
    discardPayoutBatch(id: $id)
  }
`);

export const RetryFailedPayoutItemsDocument = graphql(`
  mutation RetryFailedPayoutItems($batchId: ID!) {
    retryFailedPayoutItems(batchId: $batchId) {
      id
      status
      completedAt
      progress {
        ...PayoutProgressFields
      }
    }
  }
`);
