import { EmptyState, PageHeader } from '@sorae/web-shared';

export function CommissionsRoute() {
  return (
    <>
      <PageHeader title="Commissions" description="Commissions earned by affiliates, their adjustments and finalization." />
      <EmptyState title="Commissions are not available yet" testId="commissions-placeholder">
        This page arrives with the commissions work of the platform.
      </EmptyState>
    </>
  );
}
