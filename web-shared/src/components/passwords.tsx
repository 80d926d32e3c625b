import { useState, type FormEvent, type ReactNode } from 'react';
import { Link } from 'react-router';
import { describeError, type Problem } from '../lib/errors';
import { FormError, TextField } from './forms';

/** Asks for a reset link. The server answers the same whether or not the address has an account, and so does this. */
export function ForgotPasswordForm({ request, loading }: { request: (email: string) => Promise<void>; loading: boolean }) {
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState<string | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setProblem(null);
    try {
      await request(email.trim());
      setSent(email.trim());
    } catch (err) {
      setProblem(describeError(err));
    }
  };

  if (sent) {
    return (
      <div className="banner banner--info" role="status" data-testid="reset-requested">
        <p>
          If <strong>{sent}</strong> has an account, we sent it a link to choose a new password. The link works once, for an hour.
        </p>
      </div>
    );
  }
  return (
    <form className="stack" onSubmit={submit} noValidate data-testid="forgot-password-form">
      <FormError message={problem?.message} />
      <TextField
        label="Email"
        type="email"
        name="email"
        autoComplete="username"
        required
        value={email}
        onValueChange={setEmail}
        error={problem?.fieldErrors.email}
        data-testid="forgot-password-email"
      />
      <button type="submit" className="btn btn--primary btn--block" disabled={loading || !email.trim()} data-testid="forgot-password-submit">
        {loading ? 'Sending…' : 'Email me a link'}
      </button>
    </form>
  );
}

/** A new password typed twice; the server's policy (length, breached lists) decides, this only catches a mistyped repeat. */
function useNewPassword() {
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const mismatch: Problem | null =
    password === repeat ? null : { message: 'Please correct the highlighted fields.', fieldErrors: { repeat: 'does not match the new password' } };
  const fields = (fe: Record<string, string>) => (
    <>
      <TextField
        label="New password"
        type="password"
        name="new-password"
        autoComplete="new-password"
        required
        hint="At least 12 characters, and not one found on lists of breached passwords."
        value={password}
        onValueChange={setPassword}
        error={fe.password}
        data-testid="new-password"
      />
      <TextField
        label="New password again"
        type="password"
        name="repeat-password"
        autoComplete="new-password"
        required
        value={repeat}
        onValueChange={setRepeat}
        error={fe.repeat}
        data-testid="new-password-repeat"
      />
    </>
  );
  const clear = () => {
    setPassword('');
    setRepeat('');
  };
  return { password, mismatch, fields, clear };
}

/**
 * Choosing a password from an emailed link (a reset, an invitation): `extra` renders fields
 * before it (a name) with the server's field errors. An unusable link's error is said in words.
 */
export function NewPasswordForm({
  submit,
  loading,
  label,
  extra,
  testId,
}: {
  submit: (password: string) => Promise<void>;
  loading: boolean;
  label: string;
  extra?: (fieldErrors: Record<string, string>) => ReactNode;
  testId: string;
}) {
  const next = useNewPassword();
  const [problem, setProblem] = useState<Problem | null>(null);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setProblem(next.mismatch);
    if (next.mismatch) return;
    try {
      await submit(next.password);
    } catch (err) {
      const p = describeError(err);
      setProblem(p.fieldErrors.token ? { ...p, message: `This link ${p.fieldErrors.token}: ask for a new one.` } : p);
    }
  };

  const fe = problem?.fieldErrors ?? {};
  return (
    <form className="stack" onSubmit={onSubmit} noValidate data-testid={testId}>
      <FormError message={problem?.message} />
      {extra?.(fe)}
      {next.fields(fe)}
      <button type="submit" className="btn btn--primary btn--block" disabled={loading || !next.password} data-testid="new-password-submit">
        {loading ? 'Saving…' : label}
      </button>
    </form>
  );
}

/** The signed-in person's new password: the current one proves it is them; their other devices are signed out. */
export function ChangePasswordForm({ change, loading }: { change: (input: { current: string; password: string }) => Promise<void>; loading: boolean }) {
  const [current, setCurrent] = useState('');
  const next = useNewPassword();
  const [problem, setProblem] = useState<Problem | null>(null);
  const [done, setDone] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setDone(false);
    setProblem(next.mismatch);
    if (next.mismatch) return;
    try {
      await change({ current, password: next.password });
      setCurrent('');
      next.clear();
      setDone(true);
    } catch (err) {
      setProblem(describeError(err));
    }
  };

  const fe = problem?.fieldErrors ?? {};
  return (
    <form className="stack" onSubmit={submit} noValidate data-testid="change-password-form">
      <FormError message={problem?.message} />
      {done ? (
        <div className="banner banner--info" role="status" data-testid="password-changed">
          <p>Your password is changed. Your other devices are signed out; this one stays signed in.</p>
        </div>
      ) : null}
      <TextField
        label="Current password"
        type="password"
        name="current-password"
        autoComplete="current-password"
        required
        value={current}
        onValueChange={setCurrent}
        error={fe.current}
        data-testid="current-password"
      />
      {next.fields(fe)}
      <div>
        <button type="submit" className="btn btn--primary" disabled={loading || !current || !next.password} data-testid="change-password-submit">
          {loading ? 'Saving…' : 'Change password'}
        </button>
      </div>
    </form>
  );
}

/** The page of an emailed reset link: a new password for `reset` (the link's token is the caller's), then a way to sign in. */
export function ResetPasswordForm({ reset, loading }: { reset: (password: string) => Promise<void>; loading: boolean }) {
  const [done, setDone] = useState(false);
  if (done) {
    return (
      <div className="banner banner--info" role="status" data-testid="password-reset-done">
        <p>Your password is changed.</p>
        <p>
          <Link to="/sign-in" data-testid="sign-in-link">
            Sign in with it
          </Link>
        </p>
      </div>
    );
  }
  return (
    <NewPasswordForm
      testId="reset-password-form"
      label="Set password"
      loading={loading}
      submit={async (password) => {
        await reset(password);
        setDone(true);
      }}
    />
  );
}
