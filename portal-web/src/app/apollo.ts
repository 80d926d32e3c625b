import { ApolloClient, ApolloLink, CombinedGraphQLErrors, HttpLink, InMemoryCache } from '@apollo/client';
import { ErrorLink } from '@apollo/client/link/error';
import { forgetAffiliate } from '../features/auth/api/affiliate-store';

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
  // The server no longer accepts the session (expired, signed out elsewhere): forget who was
  // signed in, and <RequireAffiliate> shows the sign-in page.
  const sessionEnded = new ErrorLink(({ error, operation }) => {
    if (operation.operationName === 'AffiliateSignIn') return;
    if (CombinedGraphQLErrors.is(error) && error.errors.some((e) => e.extensions?.code === 'UNAUTHENTICATED')) forgetAffiliate();
  });
  return new ApolloClient({ link: ApolloLink.from([sessionEnded, http]), cache: new InMemoryCache() });
}
