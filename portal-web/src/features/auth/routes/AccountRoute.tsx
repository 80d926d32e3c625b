import { useMutation } from '@apollo/client/react';
import { ChangePasswordForm, PageHeader } from '@sorae/web-shared';
import { ChangePasswordDocument } from '../api/passwords';

export function AccountRoute() {
  const [change, { loading }] = useMutation(ChangePasswordDocument);
  return (
    <>
      <PageHeader title="Account" description="Your sign-in to the partner portal." />
      <section className="card stack" aria-labelledby="password-heading" data-testid="your-account">
        <h2 id="password-heading">Your password</h2>
        <ChangePasswordForm loading={loading} change={async (variables) => void (await change({ variables }))} />
      </section>
    </>
  );
}
