import { useMutation } from '@apollo/client/react';
import { Link } from 'react-router';
import { AuthPage, ForgotPasswordForm } from '@sorae/web-shared';
import { RequestPasswordResetDocument } from '../api/passwords';

export function ForgotPasswordRoute() {
  const [request, { loading }] = useMutation(RequestPasswordResetDocument);
  return (
    <AuthPage app="Sorae Affiliates" title="Forgot your password?" description="Enter your operator email: we mail you a link to choose a new password.">
      <ForgotPasswordForm loading={loading} request={async (email) => void (await request({ variables: { email } }))} />
      <p className="auth-card__aside">
        <Link to="/sign-in">Back to sign-in</Link>
      </p>
    </AuthPage>
  );
}
