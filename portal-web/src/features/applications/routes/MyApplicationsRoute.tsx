import { EmptyState, PageHeader } from '../../../components/feedback';
import { useAffiliate } from '../../auth/components/RequireAffiliate';
import { AffiliateCard } from '../components/AffiliateCard';

export function MyApplicationsRoute() {
  // Until the server has `me` (see ../api/me.ts), who signed in comes from the sign-in answer.
  const affiliate = useAffiliate();
  return (
    <>
      <PageHeader title="My applications" description="The programs you applied to and where each application stands." />
      <AffiliateCard affiliate={affiliate} />
      {/* `me.applications` plugs in here: the shared DataTable with campaign, status and rejection reason. */}
      <EmptyState title="Your applications will be listed here" testId="applications-empty">
        Application status in the portal is on its way. You are signed in, and nothing else is needed from you for now.
      </EmptyState>
    </>
  );
}
