import { useApolloClient, useMutation } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { FormError, TextField } from '../../../components/forms';
import { describeError, type Problem } from '../../../lib/errors';
import { AffiliateSignInDocument, CurrentAffiliateDocument } from '../api/session';

export function SignInForm({ onSignedIn }: { onSignedIn: () => void }) {
  const client = useApolloClient();
  const [signIn, { loading }] = useMutation(AffiliateSignInDocument);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setProblem(null);
    try {
      const { data } = await signIn({ variables: { email: email.trim(), password } });
      if (!data) return;
      // The cookie now carries the session; start from a clean cache that knows the affiliate.
      await client.clearStore();
      client.writeQuery({ query: CurrentAffiliateDocument, data: { me: { __typename: 'Me', affiliate: data.affiliateSignIn.affiliate } } });
      onSignedIn();
    } catch (err) {
      const p = describeError(err);
      setProblem(p.code === 'UNAUTHENTICATED' ? { ...p, message: 'That email and password do not match a partner account.' } : p);
    }
  };

  const fe = problem?.fieldErrors ?? {};
  return (
    <form className="stack" onSubmit={submit} noValidate data-testid="sign-in-form">
      <FormError message={problem?.message} />
      <TextField label="Email" type="email" name="email" autoComplete="username" required value={email} onValueChange={setEmail} error={fe.email} data-testid="sign-in-email" />
      <TextField
        label="Password"
        type="password"
        name="password"
        autoComplete="current-password"
        required
        value={password}
        onValueChange={setPassword}
        error={fe.password}
        data-testid="sign-in-password"
      />
      <button type="submit" className="btn btn--primary btn--block" disabled={loading} data-testid="sign-in-submit">
        {loading ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
