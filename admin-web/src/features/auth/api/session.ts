import { useSignOut as useSharedSignOut } from '@sorae/web-shared';
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

export const SignOutEverywhereDocument = graphql(`
  mutation SignOutEverywhere {
    signOutEverywhere
  }
`);

/** Ends the session and forgets everything cached for it. */
export const useSignOut = () => useSharedSignOut(SignOutDocument);

/** Ends every session of the account, this one included, and forgets everything cached. */
export const useSignOutEverywhere = () => useSharedSignOut(SignOutEverywhereDocument);
