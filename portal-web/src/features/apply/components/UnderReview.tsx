import { Link } from 'react-router';
import { formatDateTime } from '@sorae/web-shared';
import type { SubmittedApplication } from './ApplicationForm';

/** What an applicant sees after applying: their application waits for review; they are signed in. */
export function UnderReview({ campaignName, application }: { campaignName: string; application: SubmittedApplication }) {
  return (
    <section className="stack" data-testid="apply-under-review" aria-labelledby="under-review-heading">
      <div className="banner banner--success banner--stacked" role="status">
        <h1 id="under-review-heading">Your application is under review</h1>
        <p>
          Thank you for applying to <strong>{campaignName}</strong>. We received it on {formatDateTime(application.submittedAt)} and will review
          it soon.
        </p>
      </div>
      <p className="muted">
        You are signed in to the partner portal, where you can follow your application. Once you are approved, your share link appears there.
      </p>
      <Link to="/applications" className="btn btn--primary" data-testid="apply-my-applications">
        My applications
      </Link>
    </section>
  );
}
