import { graphql } from '../../../gql';

export const ApiKeysDocument = graphql(`
  query ApiKeys {
    apiKeys {
      id
      name
      prefix
      createdAt
      revokedAt
    }
  }
`);

export const CreateApiKeyDocument = graphql(`
  mutation CreateApiKey($name: String!) {
    createApiKey(name: $name) {
      key
      apiKey {
        id
        name
        prefix
        createdAt
        revokedAt
      }
    }
  }
`);

export const RevokeApiKeyDocument = graphql(`
  mutation RevokeApiKey($id: ID!) {
    revokeApiKey(id: $id) {
      id
      revokedAt
    }
  }
`);
