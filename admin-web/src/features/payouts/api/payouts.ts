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

export const PayoutBatchesDocument = graphql(`
  query PayoutBatches($first: Int, $after: String) {
    payoutBatches(first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
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
            pending
            posted
            failed
          }
        }
      }
    }
  }
`);

/** A batch's header, totals and those carried forward: the preview while it is a DRAFT. */
export const PayoutBatchDocument = graphql(`
  query PayoutBatch($id: ID!) {
    payoutBatch(id: $id) {
      id
      period
      status
      totalMinor
      currency
      createdAt
      executedAt
      completedAt
      scheduled
      campaign {
        id
        name
        minPayoutMinor
      }
      progress {
        pending
        posted
        failed
      }
      skipped {
        amountMinor
        currency
        reason
        message
        affiliate {
          id
          name
          email
          payoutAccount {
            status
          }
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
        pending
        posted
        failed
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
      id
      name
      email
      payoutAccount {
        status
      }
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
          hasNextPage
          endCursor
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
        pending
        posted
        failed
      }
    }
  }
`);

export const RetryFailedPayoutItemsDocument = graphql(`
  mutation RetryFailedPayoutItems($batchId: ID!) {
    retryFailedPayoutItems(batchId: $batchId) {
      id
      status
      completedAt
      progress {
        pending
        posted
        failed
      }
    }
  }
`);
