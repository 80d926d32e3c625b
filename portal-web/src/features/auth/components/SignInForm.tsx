import { useApolloClient, useMutation } from '@apollo/client/react';
import { CredentialsForm } from '@sorae/web-shared';
import { AffiliateSignInDocument, CurrentAffiliateDocument } from '../api/session';

export function SignInForm({ onSignedIn }: { onSignedIn: () => void }) {
  const client = useApolloClient();
  const [signIn, { loading }] = useMutation(AffiliateSignInDocument);
  return (
    <CredentialsForm
      loading={loading}
      mismatchMessage="That email and password do not match a partner account."
      signIn={async (variables) => {
        const { data } = await signIn({ variables });
        if (!data) return;
        // The cookie now carries the session; start from a clean cache that knows the affiliate.
        await client.clearStore();
        client.writeQuery({ query: CurrentAffiliateDocument, data: { me: { __typename: 'Me', affiliate: data.affiliateSignIn.affiliate } } });
        onSignedIn();
      }}
    />
  );
}
