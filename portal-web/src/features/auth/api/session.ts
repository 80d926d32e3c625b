import { useSignOut as useSharedSignOut } from '@sorae/web-shared';
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

export const SignOutEverywhereDocument = graphql(`
  mutation SignOutEverywhere {
    signOutEverywhere
  }
`);

/** Ends the session and forgets everything cached for it. */
export const useSignOut = () => useSharedSignOut(SignOutDocument);

/** Ends every session of the account, this one included, and forgets everything cached. */
export const useSignOutEverywhere = () => useSharedSignOut(SignOutEverywhereDocument);
