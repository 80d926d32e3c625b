import { graphql } from '../../../gql';

export const OperatorsDocument = graphql(`
  query Operators {
    operators {
      id
      email
      name
      role
      pending
      invitationExpiresAt
    }
  }
`);

export const InviteOperatorDocument = graphql(`
  mutation InviteOperator($email: String!, $role: OperatorRole!) {
    inviteOperator(email: $email, role: $role) {
      id
    }
  }
`);

export const SetOperatorRoleDocument = graphql(`
  mutation SetOperatorRole($id: ID!, $role: OperatorRole!) {
    setOperatorRole(id: $id, role: $role) {
      id
      role
    }
  }
`);

export const RemoveOperatorDocument = graphql(`
  mutation RemoveOperator($id: ID!) {
    removeOperator(id: $id)
  }
`);

export const ResendInvitationDocument = graphql(`
  mutation ResendInvitation($id: ID!) {
    resendInvitation(id: $id) {
      id
      invitationExpiresAt
    }
  }
`);

export const RevokeInvitationDocument = graphql(`
  mutation RevokeInvitation($id: ID!) {
    revokeInvitation(id: $id)
  }
`);

export const ChangeOperatorPasswordDocument = graphql(`
  mutation ChangeOperatorPassword($current: String!, $password: String!) {
    changePassword(current: $current, password: $password)
  }
`);
