import { graphql } from '../../../gql';

export const RequestPasswordResetDocument = graphql(`
  mutation RequestAffiliatePasswordReset($email: String!) {
    requestPasswordReset(email: $email, app: PORTAL)
  }
`);

export const ResetPasswordDocument = graphql(`
  mutation ResetAffiliatePassword($token: String!, $password: String!) {
    resetPassword(token: $token, password: $password)
  }
`);

export const ChangePasswordDocument = graphql(`
  mutation ChangeAffiliatePassword($current: String!, $password: String!) {
    changePassword(current: $current, password: $password)
  }
`);
