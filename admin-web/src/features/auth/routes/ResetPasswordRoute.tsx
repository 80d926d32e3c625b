import { useMutation } from '@apollo/client/react';
import { useState } from 'react';
import { AuthPage, ResetPasswordForm } from '@sorae/web-shared';
import { ResetPasswordDocument } from '../api/passwords';

/** The emailed reset link (`/admin/reset-password#<token>`: the token stays out of server logs and referrers). */
export function ResetPasswordRoute() {
  const [token] = useState(() => window.location.hash.slice(1));
  const [reset, { loading }] = useMutation(ResetPasswordDocument);
  return (
    <AuthPage app="Sorae Affiliates" title="Choose a new password" description="Every device signed in to your account is signed out.">
      <ResetPasswordForm loading={loading} reset={async (password) => void (await reset({ variables: { token, password } }))} />
    </AuthPage>
  );
}
