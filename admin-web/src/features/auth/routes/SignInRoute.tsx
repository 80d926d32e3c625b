import { useLocation, useNavigate } from 'react-router';
import { useDocumentTitle } from '@sorae/web-shared';
import { SignInForm } from '../components/SignInForm';

export function SignInRoute() {
  useDocumentTitle('Sign in');
  const navigate = useNavigate();
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from;
  const target = from && from !== '/sign-in' ? from : '/campaigns';
  return (
    <main className="auth-page">
      <div className="auth-card">
        <div className="brand brand--large">
          <span className="brand__mark" aria-hidden="true">
            S
          </span>
          <span>Sorae Affiliates</span>
        </div>
        <h1>Sign in to the admin</h1>
        <p className="muted">Manage campaigns, applications, commissions and payouts.</p>
        <SignInForm onSignedIn={() => navigate(target, { replace: true })} />
      </div>
    </main>
  );
}
