import { useApolloClient, useMutation } from '@apollo/client/react';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { AuthPage, NewPasswordForm, TextField } from '@sorae/web-shared';
import { AcceptInvitationDocument } from '../api/passwords';
import { CurrentUserDocument } from '../api/session';

/** The emailed invitation (`/admin/accept-invitation#<token>`): the invited person names themselves, chooses a password and is signed in. */
export function AcceptInvitationRoute() {
  const [token] = useState(() => window.location.hash.slice(1));
  const [name, setName] = useState('');
  const client = useApolloClient();
  const navigate = useNavigate();
  const [accept, { loading }] = useMutation(AcceptInvitationDocument);
  return (
    <AuthPage app="Sorae Affiliates" title="Join the team" description="You were invited to run an affiliate program. Choose your name and a password.">
      <NewPasswordForm
        testId="accept-invitation-form"
        label="Join"
        loading={loading}
        extra={(fe) => (
          <TextField
            label="Your name"
            name="name"
            autoComplete="name"
            required
            value={name}
            onValueChange={setName}
            error={fe.name}
            data-testid="invitee-name"
          />
        )}
        submit={async (password) => {
          const { data } = await accept({ variables: { token, name: name.trim(), password } });
          if (!data) return;
          await client.clearStore();
          client.writeQuery({ query: CurrentUserDocument, data: { currentUser: data.acceptInvitation.user } });
          navigate('/campaigns', { replace: true });
        }}
      />
    </AuthPage>
  );
}
