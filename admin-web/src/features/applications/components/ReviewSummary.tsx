import type { ReviewOutcome } from './review';

const SHOWN_SKIPS = 20;

/** What a review did: approved n, rejected n, skipped m, and why each skipped one was. */
export function ReviewSummary({ outcome, names, onDismiss }: { outcome: ReviewOutcome; names: ReadonlyMap<string, string>; onDismiss: () => void }) {
  const skipped = outcome.results.filter((r) => !r.ok);
  return (
    <div className={`banner ${skipped.length > 0 ? 'banner--warning' : 'banner--success'} banner--stacked`} role="status" data-testid="review-summary">
      <div className="banner__row">
        <p>
          Approved <strong data-testid="summary-approved">{outcome.approvedCount}</strong>, rejected{' '}
          <strong data-testid="summary-rejected">{outcome.rejectedCount}</strong>, skipped <strong data-testid="summary-skipped">{outcome.skippedCount}</strong>
          .
        </p>
        <button type="button" className="btn btn--ghost btn--small" onClick={onDismiss} aria-label="Dismiss the review summary">
          ×
        </button>
      </div>
      {skipped.length > 0 ? (
        <ul data-testid="summary-skips">
          {skipped.slice(0, SHOWN_SKIPS).map((r) => (
            <li key={r.applicationId}>
              {names.get(r.applicationId) ?? <code>{r.applicationId}</code>}: {r.error ?? 'skipped'}
            </li>
          ))}
          {skipped.length > SHOWN_SKIPS ? <li>and {skipped.length - SHOWN_SKIPS} more</li> : null}
        </ul>
      ) : null}
    </div>
  );
}
