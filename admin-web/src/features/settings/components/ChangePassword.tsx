import { useMutation } from '@apollo/client/react';
import { ChangePasswordForm } from '@sorae/web-shared';
import { ChangeOperatorPasswordDocument } from '../api/team';

export function ChangePassword() {
  const [change, { loading }] = useMutation(ChangeOperatorPasswordDocument);
  return <ChangePasswordForm loading={loading} change={async (variables) => void (await change({ variables }))} />;
}
