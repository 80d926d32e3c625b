import { useState, type FormEvent } from 'react';
import { describeError, type Problem } from '../lib/errors';
import { FormError, TextField } from './forms';

/**
 * Email and password, submitted to `signIn` (which throws the GraphQL error on failure).
 * `UNAUTHENTICATED` is shown as `mismatchMessage`; other problems as they come.
 */
export function CredentialsForm({
  signIn,
  loading,
  mismatchMessage,
}: {
  signIn: (credentials: { email: string; password: string }) => Promise<void>;
  loading: boolean;
  mismatchMessage: string;
}) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setProblem(null);
    try {
      await signIn({ email: email.trim(), password });
    } catch (err) {
      const p = describeError(err);
      setProblem(p.code === 'UNAUTHENTICATED' ? { ...p, message: mismatchMessage } : p);
    }
  };

  const fe = problem?.fieldErrors ?? {};
  return (
    <form className="stack" onSubmit={submit} noValidate data-testid="sign-in-form">
      <FormError message={problem?.message} />
      <TextField
        label="Email"
        type="email"
        name="email"
        autoComplete="username"
        required
        value={email}
        onValueChange={setEmail}
        error={fe.email}
        data-testid="sign-in-email"
      />
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
