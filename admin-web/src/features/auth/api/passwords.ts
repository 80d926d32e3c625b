import { graphql } from '../../../gql';

export const RequestPasswordResetDocument = graphql(`
  mutation RequestOperatorPasswordReset($email: String!) {
    requestPasswordReset(email: $email, app: ADMIN)
  }
`);

export const ResetPasswordDocument = graphql(`
  mutation ResetOperatorPassword($token: String!, $password: String!) {
    resetPassword(token: $token, password: $password)
  }
`);

export const AcceptInvitationDocument = graphql(`
  mutation AcceptInvitation($token: String!, $name: String!, $password: String!) {
    acceptInvitation(token: $token, name: $name, password: $password) {
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
