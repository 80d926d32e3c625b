import { PageHeader } from '@sorae/web-shared';
import { ApplicationsQueue } from '../components/ApplicationsQueue';

export function ApplicationsRoute() {
  return (
    <>
      <PageHeader title="Applications" description="Review applicants to your campaigns, one at a time or in bulk." />
      <ApplicationsQueue />
    </>
  );
}
