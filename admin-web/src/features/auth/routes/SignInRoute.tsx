import { Link, useLocation, useNavigate } from 'react-router';
import { AuthPage } from '@sorae/web-shared';
import { SignInForm } from '../components/SignInForm';

export function SignInRoute() {
  const navigate = useNavigate();
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from;
  const target = from && from !== '/sign-in' ? from : '/overview';
  return (
    <AuthPage app="Sorae Affiliates" title="Sign in to the admin" description="Manage campaigns, applications, commissions and payouts.">
      <SignInForm onSignedIn={() => navigate(target, { replace: true })} />
      <p className="auth-card__aside">
        <Link to="/forgot-password" data-testid="forgot-password-link">
          Forgot password?
        </Link>
      </p>
    </AuthPage>
  );
}
