import { useMutation } from '@apollo/client/react';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { PageHeader } from '@sorae/web-shared';
import { CreateCampaignDocument } from '../api/campaigns';
import { emptyDraft } from '../components/campaign-draft';
import { CampaignForm } from '../components/CampaignForm';

export function NewCampaignRoute() {
  const navigate = useNavigate();
  const [initial] = useState(emptyDraft);
  const [create] = useMutation(CreateCampaignDocument, {
    // The list's pages are stale now: drop them so the next visit asks again.
    update: (cache) => {
      cache.evict({ fieldName: 'campaigns' });
      cache.gc();
    },
  });
  return (
    <>
      <nav className="breadcrumbs" aria-label="Breadcrumb">
        <Link to="/campaigns">Campaigns</Link> <span aria-hidden="true">/</span> New
      </nav>
      <PageHeader title="New campaign" />
      <CampaignForm
        mode="create"
        initial={initial}
        submitLabel="Create campaign"
        onSubmit={async (input) => {
          const { data } = await create({ variables: { input } });
          if (data) navigate(`/campaigns/${data.createCampaign.id}`, { state: { notice: 'Campaign created.' } });
        }}
      />
    </>
  );
}
