import { graphql } from '../../../gql';

/** The affiliate's applications, each with its share link once approved. */
export const MyApplicationsDocument = graphql(`
  query MyApplications {
    me {
      affiliate {
        id
        email
        name
      }
      applications {
        id
        status
        submittedAt
        reviewedAt
        rejectionReason
        campaign {
          id
          name
        }
        enrollment {
          id
          shareCode
          shareUrl
          status
        }
      }
    }
  }
`);
