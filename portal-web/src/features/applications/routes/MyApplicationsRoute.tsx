import { useQuery } from '@apollo/client/react';
import { type Column, DataTable, formatDate, PageHeader } from '@sorae/web-shared';
import type { MyApplicationsQuery } from '../../../gql/graphql';
import { MyApplicationsDocument } from '../api/me';
import { AffiliateCard } from '../components/AffiliateCard';
import { ApplicationStatusBadge } from '../components/ApplicationStatusBadge';
import { ShareLink } from '../components/ShareLink';

type Row = MyApplicationsQuery['me']['applications'][number];

const columns: Column<Row>[] = [
  { id: 'campaign', header: 'Program', cell: (a) => <span className="table__primary">{a.campaign.name}</span>, sortValue: (a) => a.campaign.name },
  { id: 'submittedAt', header: 'Applied', cell: (a) => formatDate(a.submittedAt), sortValue: (a) => a.submittedAt },
  { id: 'status', header: 'Status', cell: (a) => <ApplicationStatusBadge status={a.status} />, sortValue: (a) => a.status },
  { id: 'details', header: 'Your link', cell: (a) => <Outcome application={a} /> },
];

function Outcome({ application: a }: { application: Row }) {
  if (a.status === 'APPROVED') {
    return a.enrollment ? <ShareLink url={a.enrollment.shareUrl} /> : <span className="muted">Your link is being prepared.</span>;
  }
  if (a.status === 'REJECTED') {
    return a.rejectionReason ? (
      <p className="rejection" data-testid="rejection-reason">
        <span className="muted">Reason: </span>
        {a.rejectionReason}
      </p>
    ) : (
      <span className="muted">This application was not accepted.</span>
    );
  }
  return <span className="muted">We will review it soon; your share link appears here once you are approved.</span>;
}

export function MyApplicationsRoute() {
  const { data, previousData, loading, error, refetch } = useQuery(MyApplicationsDocument, { fetchPolicy: 'cache-and-network' });
  const me = (data ?? previousData)?.me;
  return (
    <>
      <PageHeader title="My applications" description="The programs you applied to and where each application stands." />
      {me ? <AffiliateCard affiliate={me.affiliate} /> : null}
      <DataTable
        label="My applications"
        testId="applications"
        columns={columns}
        rows={me?.applications}
        getRowId={(a) => a.id}
        loading={loading}
        error={error}
        onRetry={() => void refetch()}
        empty="You have not applied to any program yet. Apply through the link a merchant gave you."
      />
    </>
  );
}
