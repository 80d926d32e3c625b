import { useApolloClient, useMutation } from '@apollo/client/react';
import { useCallback } from 'react';
import { graphql } from '../../../gql';
import { forgetAffiliate } from './affiliate-store';

export const AffiliateSignInDocument = graphql(`
  mutation AffiliateSignIn($email: String!, $password: String!) {
    affiliateSignIn(email: $email, password: $password) {
      token
      affiliate {
        id
        email
        name
      }
    }
  }
`);

export const SignOutDocument = graphql(`
  mutation SignOut {
    signOut
  }
`);

/** Ends the session (the server clears its cookie) and forgets everything kept for it. */
export function useSignOut() {
  const client = useApolloClient();
  const [signOut, state] = useMutation(SignOutDocument);
  const run = useCallback(async () => {
    try {
      await signOut();
    } finally {
      await client.clearStore();
      forgetAffiliate();
    }
  }, [client, signOut]);
  return [run, state] as const;
}
