import { EmptyState, PageHeader } from '@sorae/web-shared';

export function PayoutsRoute() {
  return (
    <>
      <PageHeader title="Payouts" description="Monthly and on-demand payout batches, executed through Stripe Connect." />
      <EmptyState title="Payouts are not available yet" testId="payouts-placeholder">
        This page arrives with the payouts work of the platform.
      </EmptyState>
    </>
  );
}
