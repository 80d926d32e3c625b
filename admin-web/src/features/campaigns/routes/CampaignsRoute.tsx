import { Link } from 'react-router';
import { PageHeader } from '@sorae/web-shared';
import { CampaignsTable } from '../components/CampaignsTable';

export function CampaignsRoute() {
  return (
    <>
      <PageHeader
        title="Campaigns"
        description="Each campaign has its own commission, attribution window, payout schedule and application form."
        actions={
          <Link to="/campaigns/new" className="btn btn--primary" data-testid="new-campaign">
            New campaign
          </Link>
        }
      />
      <CampaignsTable />
    </>
  );
}
