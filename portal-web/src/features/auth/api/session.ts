import { useApolloClient, useMutation } from '@apollo/client/react';
import { useCallback } from 'react';
import { useNavigate } from 'react-router';
import { graphql } from '../../../gql';

/** Who is signed in: the session is the httpOnly cookie; UNAUTHENTICATED means nobody. */
export const CurrentAffiliateDocument = graphql(`
  query CurrentAffiliate {
    me {
      affiliate {
        id
        email
        name
      }
    }
  }
`);

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

/** Ends the session (the server clears its cookie) and forgets everything cached for it. */
export function useSignOut() {
  const client = useApolloClient();
  const navigate = useNavigate();
  const [signOut, state] = useMutation(SignOutDocument);
  const run = useCallback(async () => {
    try {
      await signOut();
    } catch {
      // Already signed out (or unreachable): leaving the portal is still what was asked.
    }
    navigate('/sign-in', { replace: true });
    // Nothing of this session may linger in the cache for whoever signs in next.
    await client.clearStore();
  }, [client, navigate, signOut]);
  return [run, state] as const;
}
