import { EmptyState, PageHeader } from '../../../components/feedback';

export function ApplicationsRoute() {
  return (
    <>
      <PageHeader title="Applications" description="Review applicants to your campaigns, one at a time or in bulk." />
      <EmptyState title="Applications are not available yet" testId="applications-placeholder">
        This page arrives with the applications work of the platform.
      </EmptyState>
    </>
  );
}
