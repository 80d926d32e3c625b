import { useApolloClient, useMutation } from '@apollo/client/react';
import { useCallback } from 'react';
import { graphql } from '../../../gql';

export const CurrentUserDocument = graphql(`
  query CurrentUser {
    currentUser {
      id
      email
      name
      role
      merchant {
        id
        name
      }
    }
  }
`);

export const SignInDocument = graphql(`
  mutation SignIn($email: String!, $password: String!) {
    signIn(email: $email, password: $password) {
      token
      user {
        id
        email
        name
        role
        merchant {
          id
          name
        }
      }
    }
  }
`);

export const SignOutDocument = graphql(`
  mutation SignOut {
    signOut
  }
`);

/** Ends the session (the server clears its cookie) and forgets everything cached for it. */
export function useSignOut() {
  const client = useApolloClient();
  const [signOut, state] = useMutation(SignOutDocument);
  const run = useCallback(async () => {
    try {
      await signOut();
    } finally {
      // Whatever the answer, nothing of this session may linger in the cache.
      await client.clearStore();
      client.writeQuery({ query: CurrentUserDocument, data: { currentUser: null } });
    }
  }, [client, signOut]);
  return [run, state] as const;
}
