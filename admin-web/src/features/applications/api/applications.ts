import { graphql } from '../../../gql';

/** What the queue shows of an application (a row, and the top of the drawer). */
export const ApplicationRowFragment = graphql(`
  fragment ApplicationRow on Application {
    id
    status
    name
    email
    submittedAt
    reviewedAt
    rejectionReason
    campaign {
      id
      name
    }
    answers {
      key
      label
      value
    }
    enrollment {
      id
      shareCode
      shareUrl
    }
  }
`);

export const ApplicationsDocument = graphql(`
  query Applications($filter: ApplicationFilter, $orderBy: ApplicationOrder!, $first: Int, $after: String) {
    applications(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          ...ApplicationRow
        }
      }
    }
  }
`);

/** The tabs' counts: the filter's status is ignored by the server. */
export const ApplicationCountsDocument = graphql(`
  query ApplicationCounts($filter: ApplicationFilter) {
    applicationCounts(filter: $filter) {
      submitted
      approved
      rejected
    }
  }
`);

export const ApplicationDetailDocument = graphql(`
  query ApplicationDetail($id: ID!) {
    application(id: $id) {
      ...ApplicationRow
      history {
        kind
        at
        by
        reason
      }
    }
  }
`);

export const ReviewApplicationsDocument = graphql(`
  mutation ReviewApplications($input: ReviewApplicationsInput!) {
    reviewApplications(input: $input) {
      approvedCount
      rejectedCount
      skippedCount
      results {
        applicationId
        ok
        error
        enrollment {
          id
          shareCode
          shareUrl
        }
      }
    }
  }
`);

/** The campaign filter's choices. */
export const CampaignChoicesDocument = graphql(`
  query CampaignChoices {
    campaigns(first: 500) {
      edges {
        node {
          id
          name
        }
      }
    }
  }
`);

/** The signed-in operator's role (served from the session's cached `currentUser`). */
export const ReviewerRoleDocument = graphql(`
  query ReviewerRole {
    currentUser {
      id
      role
    }
  }
`);
