import { Link } from 'react-router';
import { formatDateTime } from '@sorae/web-shared';

interface Pending {
  id: string;
  name: string;
  email: string;
  submittedAt: string;
  campaign: { name: string };
}

/** How many applications wait for review, the newest few, and the way to the queue. */
export function PendingApplications({ count, newest }: { count: number; newest: readonly Pending[] }) {
  return (
    <section className="card stack stack--tight" aria-labelledby="pending-applications-heading" data-testid="pending-applications">
      <h2 id="pending-applications-heading">Applications to review</h2>
      <p>
        <strong data-testid="pending-applications-count">{count}</strong> {count === 1 ? 'application waits' : 'applications wait'} for review.
      </p>
      {newest.length > 0 ? (
        <ul className="plain-list">
          {newest.map((a) => (
            <li key={a.id}>
              <span className="table__primary">{a.name}</span>{' '}
              <span className="muted">
                · {a.campaign.name} · {formatDateTime(a.submittedAt)}
              </span>
            </li>
          ))}
        </ul>
      ) : null}
      <div>
        <Link to="/applications" className="btn btn--secondary btn--small">
          Open the review queue
        </Link>
      </div>
    </section>
  );
}
