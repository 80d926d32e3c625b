import { graphql } from '../../../gql';

/** Every email the merchant sent or queued (without SMTP_URL: kept here), newest first. Owners only. */
export const OutboxDocument = graphql(`
  query Outbox($first: Int, $after: String) {
    outbox(first: $first, after: $after) {
      totalCount
      pageInfo {
        ...PageInfoFields
      }
      edges {
        node {
          id
          kind
          to
          subject
          status
          attempts
          lastError
          createdAt
          sentAt
        }
      }
    }
  }
`);

/** One message with both its parts. */
export const MailMessageDocument = graphql(`
  query MailMessage($id: ID!) {
    mailMessage(id: $id) {
      id
      to
      subject
      status
      createdAt
      html
      text
    }
  }
`);
