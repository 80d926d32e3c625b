import { EmptyState, PageHeader } from '@sorae/web-shared';

export function AffiliatesRoute() {
  return (
    <>
      <PageHeader title="Affiliates" description="Approved affiliates, their share links and performance." />
      <EmptyState title="Affiliates are not available yet" testId="affiliates-placeholder">
        This page arrives with the affiliates work of the platform.
      </EmptyState>
    </>
  );
}
