import { useApolloClient, useMutation } from '@apollo/client/react';
import { CredentialsForm } from '@sorae/web-shared';
import { CurrentUserDocument, SignInDocument } from '../api/session';

export function SignInForm({ onSignedIn }: { onSignedIn: () => void }) {
  const client = useApolloClient();
  const [signIn, { loading }] = useMutation(SignInDocument);
  return (
    <CredentialsForm
      loading={loading}
      mismatchMessage="That email and password do not match an operator account."
      signIn={async (variables) => {
        const { data } = await signIn({ variables });
        if (!data) return;
        // The cookie now carries the session; start from a clean cache that knows the operator.
        await client.clearStore();
        client.writeQuery({ query: CurrentUserDocument, data: { currentUser: data.signIn.user } });
        onSignedIn();
      }}
    />
  );
}
