import { useQuery } from '@apollo/client/react';
import { ErrorState, formatDateTime, Modal, Spinner } from '@sorae/web-shared';
import type { ApplicationDetailQuery } from '../../../gql/graphql';
import { ApplicationDetailDocument } from '../api/applications';
import { AnswerValue } from './answers';
import { ApplicationStatusBadge } from './ApplicationStatusBadge';
import type { ReviewRequest } from './review';

type Detail = NonNullable<ApplicationDetailQuery['application']>;

interface Props {
  id: string;
  onClose: () => void;
  canReview: boolean;
  onReview: (request: ReviewRequest) => void;
}

/** Everything about one application: every answer, the history, and (when it waits) review. */
export function ApplicationDrawer({ id, onClose, canReview, onReview }: Props) {
  const { data, loading, error, refetch } = useQuery(ApplicationDetailDocument, {
    variables: { id },
    // The list refreshes status after a review, not the history: always ask again on opening.
    fetchPolicy: 'cache-and-network',
  });
  const application = data?.application;

  const review = (a: Detail, decision: 'APPROVE' | 'REJECT') =>
    onReview({ decision, target: { ids: [a.id] }, count: 1, subject: a.name, names: new Map([[a.id, a.name]]) });

  const footer =
    application && application.status === 'SUBMITTED' && canReview ? (
      <>
        <button type="button" className="btn btn--danger" onClick={() => review(application, 'REJECT')} data-testid="drawer-reject">
          Reject
        </button>
        <button type="button" className="btn btn--primary" onClick={() => review(application, 'APPROVE')} data-testid="drawer-approve">
          Approve
        </button>
      </>
    ) : undefined;

  return (
    <Modal variant="drawer" title={application?.name ?? 'Application'} onClose={onClose} testId="application-drawer" footer={footer}>
      {loading && !data ? <Spinner /> : null}
      {error && !data ? <ErrorState error={error} onRetry={() => void refetch()} title="Could not load this application" /> : null}
      {data && !application ? <p className="muted">This application was not found.</p> : null}
      {application ? <Details a={application} /> : null}
    </Modal>
  );
}

function Details({ a }: { a: Detail }) {
  return (
    <div className="stack">
      <dl className="facts">
        <dt>Status</dt>
        <dd>
          <ApplicationStatusBadge status={a.status} />
        </dd>
        <dt>Email</dt>
        <dd data-testid="drawer-email">{a.email}</dd>
        <dt>Campaign</dt>
        <dd>{a.campaign.name}</dd>
        <dt>Submitted</dt>
        <dd>{formatDateTime(a.submittedAt)}</dd>
        {a.enrollment ? (
          <>
            <dt>Share link</dt>
            <dd>
              <code data-testid="drawer-share-url">{a.enrollment.shareUrl}</code>
            </dd>
          </>
        ) : null}
      </dl>

      <section aria-labelledby="answers-heading">
        <h3 id="answers-heading" className="section-title">
          Answers
        </h3>
        {a.answers.length === 0 ? (
          <p className="muted">This form had no questions.</p>
        ) : (
          <dl className="answers" data-testid="drawer-answers">
            {a.answers.map((answer) => (
              <div className="answer" key={answer.key} data-testid={`drawer-answer-${answer.key}`}>
                <dt>{answer.label}</dt>
                <dd>
                  <AnswerValue value={answer.value} />
                </dd>
              </div>
            ))}
          </dl>
        )}
      </section>

      <section aria-labelledby="history-heading">
        <h3 id="history-heading" className="section-title">
          History
        </h3>
        <ol className="history" data-testid="drawer-history">
          {a.history.map((event, i) => (
            <li key={`${event.kind}-${i}`} className="history__event" data-kind={event.kind}>
              <p>
                <strong>{EVENT_WORDS[event.kind] ?? event.kind}</strong>
                {event.kind === 'SUBMITTED' ? ' by the applicant' : event.by ? ` by ${event.by}` : ' through the API'}
              </p>
              <p className="muted">{formatDateTime(event.at)}</p>
              {event.reason ? (
                <p className="history__reason" data-testid="history-reason">
                  Reason: {event.reason}
                </p>
              ) : null}
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}

const EVENT_WORDS: Record<string, string> = { SUBMITTED: 'Submitted', APPROVED: 'Approved', REJECTED: 'Rejected' };
