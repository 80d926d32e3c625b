import { ApolloClient, ApolloLink, CombinedGraphQLErrors, HttpLink, InMemoryCache } from '@apollo/client';
import { ErrorLink } from '@apollo/client/link/error';
import { CurrentUserDocument } from '../features/auth/api/session';

/**
 * Admin and portal share one origin and so one cookie jar: the audience header tells the
 * server which session cookie this app means. A custom header also satisfies Apollo Server's
 * CSRF prevention.
 */
export function createApolloClient(): ApolloClient {
  const http = new HttpLink({
    uri: '/graphql',
    credentials: 'same-origin',
    headers: { 'x-sorae-audience': 'admin' },
  });

  let client: ApolloClient;
  // A session that ends mid-use (expired, signed out elsewhere): ask `currentUser` again; its
  // UNAUTHENTICATED makes <RequireSession> send the operator to the sign-in page.
  const sessionEnded = new ErrorLink(({ error, operation }) => {
    if (operation.operationName === 'SignIn' || operation.operationName === 'CurrentUser') return;
    if (CombinedGraphQLErrors.is(error) && error.errors.some((e) => e.extensions?.code === 'UNAUTHENTICATED')) {
      void client.refetchQueries({ include: [CurrentUserDocument] });
    }
  });

  client = new ApolloClient({
    link: ApolloLink.from([sessionEnded, http]),
    cache: new InMemoryCache({
      typePolicies: {
        // Embedded values without ids: replace, never merge by position.
        Campaign: { fields: { intakeFields: { merge: false }, commission: { merge: false } } },
        Application: { fields: { answers: { merge: false }, history: { merge: false } } },
      },
    }),
  });
  return client;
}
