import { Badge, CopyField } from '@sorae/web-shared';
import type { DashboardQuery } from '../../../gql/graphql';

type Enrollment = DashboardQuery['me']['enrollments'][number];

/** One share link per program the affiliate is in, each with a Copy button. */
export function ShareLinks({ enrollments }: { enrollments: readonly Enrollment[] }) {
  if (enrollments.length === 0) {
    return <p className="muted">Your share links appear here once a program approves you.</p>;
  }
  return (
    <ul className="share-links" data-testid="share-links">
      {enrollments.map((e) => (
        <li key={e.id} className="share-links__item" data-testid="share-links-item" data-campaign={e.campaign.name}>
          <div className="share-links__name">
            <span className="table__primary">{e.campaign.name}</span>
            {e.status === 'SUSPENDED' ? <Badge tone="danger">Suspended: the link no longer earns</Badge> : null}
          </div>
          <CopyField value={e.shareUrl} label={`Share link for ${e.campaign.name}`} testId="dashboard-share-link" valueTestId="dashboard-share-url" />
        </li>
      ))}
    </ul>
  );
}
