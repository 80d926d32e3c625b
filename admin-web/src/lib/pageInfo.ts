import { graphql } from '../gql';

/** What every paginated connection asks for to page on: spread it as `pageInfo { ...PageInfoFields }`. */
export const PageInfoFieldsFragment = graphql(`
  fragment PageInfoFields on PageInfo {
    hasNextPage
    endCursor
  }
`);
