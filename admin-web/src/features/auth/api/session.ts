import { useApolloClient, useMutation } from '@apollo/client/react';
import { useCallback } from 'react';
import { useNavigate } from 'react-router';
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
  const navigate = useNavigate();
  const [signOut, state] = useMutation(SignOutDocument);
  const run = useCallback(async () => {
    try {
      await signOut();
    } catch {
      // Already signed out (or unreachable): leaving the app is still what the operator asked.
    }
    navigate('/sign-in', { replace: true });
    // Nothing of this session may linger in the cache for the next operator.
    await client.clearStore();
  }, [client, navigate, signOut]);
  return [run, state] as const;
}
