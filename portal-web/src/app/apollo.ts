import { ApolloClient, ApolloLink, CombinedGraphQLErrors, HttpLink, InMemoryCache } from '@apollo/client';
import { ErrorLink } from '@apollo/client/link/error';
import { CurrentAffiliateDocument } from '../features/auth/api/session';

/** Operations whose UNAUTHENTICATED answer is about the credentials given, not a lost session. */
const OWN_ANSWER = new Set(['AffiliateSignIn', 'CurrentAffiliate', 'SubmitApplication']);

/**
 * Admin and portal share one origin and so one cookie jar: the audience header tells the
 * server to use the affiliate session cookie. A custom header also satisfies Apollo Server's
 * CSRF prevention.
 */
export function createApolloClient(): ApolloClient {
  const http = new HttpLink({
    uri: '/graphql',
    credentials: 'same-origin',
    headers: { 'x-sorae-audience': 'portal' },
  });
  let client: ApolloClient;
  // The server no longer accepts the session (expired, signed out elsewhere): ask `me` again;
  // its UNAUTHENTICATED makes <RequireAffiliate> show the sign-in page.
  const sessionEnded = new ErrorLink(({ error, operation }) => {
    if (OWN_ANSWER.has(operation.operationName ?? '')) return;
    if (CombinedGraphQLErrors.is(error) && error.errors.some((e) => e.extensions?.code === 'UNAUTHENTICATED')) {
      void client.refetchQueries({ include: [CurrentAffiliateDocument] });
    }
  });
  client = new ApolloClient({
    link: ApolloLink.from([sessionEnded, http]),
    cache: new InMemoryCache({
      typePolicies: {
        // `me` has no id: the portal's queries each ask part of it; merge them into one object.
        Me: { merge: true },
      },
    }),
  });
  return client;
}
