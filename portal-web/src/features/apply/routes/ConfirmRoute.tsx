import { CombinedGraphQLErrors } from '@apollo/client';
import { useApolloClient, useMutation } from '@apollo/client/react';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { describeError, FormError, Spinner, TextField } from '@sorae/web-shared';
import { ConfirmApplicationDocument } from '../api/apply';
import { PublicPage } from './ApplyRoute';

/**
 * `/confirm#<token>`: the link emailed to an applicant (the token in the fragment, which never
 * reaches a server log). A new email lands in the portal signed in; an email with a partner
 * account is asked for that account's password first.
 */
export function ConfirmRoute() {
  const token = window.location.hash.slice(1);
  const client = useApolloClient();
  const navigate = useNavigate();
  const [confirm, { data, loading, error }] = useMutation(ConfirmApplicationDocument);
  const [password, setPassword] = useState('');
  const started = useRef(false);

  const run = async (withPassword?: string) => {
    const r = await confirm({ variables: { token, password: withPassword ?? null } }).catch(() => null);
    if (r?.data && !r.data.confirmApplication.passwordRequired) {
      // The server has signed the applicant in (cookie): nothing cached from before may linger.
      await client.clearStore();
      await navigate('/applications', { replace: true });
    }
  };
  useEffect(() => {
    if (started.current || !token) return;
    started.current = true;
    void run();
  });

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void run(password);
  };
  const problem = error ? describeError(error) : null;
  // This page has no fields to mark: the server's own sentence says what went wrong (a used link, a conflict…).
  const problemMessage = CombinedGraphQLErrors.is(error) ? error.errors[0]?.message : problem?.message;
  const confirmation = data?.confirmApplication;

  return (
    <PublicPage>
      <header className="public-card__header">
        <p className="eyebrow">Partner program</p>
        <h1>Confirm your application</h1>
      </header>
      {!token ? (
        <FormError message="This page needs the link from your email: open it from the email we sent you." />
      ) : confirmation?.passwordRequired ? (
        <form className="stack" onSubmit={onSubmit} noValidate data-testid="confirm-password-form">
          <p>
            <strong>{confirmation.email}</strong> already has a partner account. Enter its password to add your application to{' '}
            <strong>{confirmation.campaignName}</strong>.
          </p>
          <TextField
            label="Password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            data-testid="confirm-password"
          />
          {problem ? <FormError message={problem.code === 'UNAUTHENTICATED' ? 'That is not the password of this partner account.' : problemMessage} /> : null}
          <button type="submit" className="btn btn--primary btn--block" disabled={loading} data-testid="confirm-submit">
            {loading ? 'Confirming…' : 'Confirm my application'}
          </button>
        </form>
      ) : problem ? (
        <div data-testid="confirm-error">
          <FormError message={problemMessage} />
        </div>
      ) : (
        <Spinner label="Confirming your application…" />
      )}
    </PublicPage>
  );
}
