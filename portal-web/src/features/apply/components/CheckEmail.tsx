import type { SubmittedApplication } from './ApplicationForm';

/**
 * What an applicant sees after applying, whoever they are: the application waits for its email
 * to be confirmed. The same for a new email and one with an account, so the form tells no one
 * which addresses have a partner account.
 */
export function CheckEmail({ campaignName, application }: { campaignName: string; application: SubmittedApplication }) {
  return (
    <section className="stack" data-testid="apply-check-email" aria-labelledby="check-email-heading">
      <div className="banner banner--success banner--stacked" role="status">
        <h1 id="check-email-heading">Check your email</h1>
        <p>
          Thank you for applying to <strong>{campaignName}</strong>. We sent a link to <strong>{application.email}</strong>: open it to confirm your email
          address and send your application for review.
        </p>
      </div>
      <p className="muted">The link works once, for 24 hours. Nothing is sent for review until you open it.</p>
    </section>
  );
}
