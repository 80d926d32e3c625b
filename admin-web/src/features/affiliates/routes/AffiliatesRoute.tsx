import { PageHeader } from '@sorae/web-shared';
import { AffiliatesTable } from '../components/AffiliatesTable';

export function AffiliatesRoute() {
  return (
    <>
      <PageHeader title="Affiliates" description="Everyone in your program, with their clicks, conversions, pending commission and payout readiness." />
      <AffiliatesTable />
    </>
  );
}
