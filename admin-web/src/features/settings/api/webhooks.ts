import { graphql } from '../../../gql';

export const WebhookEndpointsDocument = graphql(`
  query WebhookEndpoints {
    webhookEventTypes
    webhookEndpoints {
      id
      url
      events
      createdAt
      failingSince
      disabledAt
    }
  }
`);

export const CreateWebhookEndpointDocument = graphql(`
  mutation CreateWebhookEndpoint($input: CreateWebhookEndpointInput!) {
    createWebhookEndpoint(input: $input) {
      secret
      endpoint {
        id
        url
        events
      }
    }
  }
`);

export const DeleteWebhookEndpointDocument = graphql(`
  mutation DeleteWebhookEndpoint($id: ID!) {
    deleteWebhookEndpoint(id: $id)
  }
`);

/** An endpoint's deliveries, newest first, with every attempt. */
export const WebhookDeliveriesDocument = graphql(`
  query WebhookDeliveries($endpointId: ID!, $first: Int, $after: String) {
    webhookDeliveries(endpointId: $endpointId, first: $first, after: $after) {
      totalCount
      pageInfo {
        ...PageInfoFields
      }
      edges {
        node {
          id
          eventType
          status
          attempts
          lastResponseStatus
          lastError
          nextAttemptAt
          createdAt
          attemptLog {
            id
            attemptedAt
            responseStatus
            error
          }
        }
      }
    }
  }
`);

export const RedeliverWebhookDocument = graphql(`
  mutation RedeliverWebhook($deliveryId: ID!) {
    redeliverWebhook(deliveryId: $deliveryId) {
      id
      status
      nextAttemptAt
    }
  }
`);

/** Order webhooks the store sent, accepted or refused with the reason. */
export const OrderWebhookDeliveriesDocument = graphql(`
  query OrderWebhookDeliveries($first: Int, $after: String) {
    orderWebhookDeliveries(first: $first, after: $after) {
      totalCount
      pageInfo {
        ...PageInfoFields
      }
      edges {
        node {
          id
          receivedAt
          eventId
          status
          httpStatus
          error
        }
      }
    }
  }
`);
