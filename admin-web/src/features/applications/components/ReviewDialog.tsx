import { useMutation } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { describeError, FormError, Modal, type Problem, TextAreaField } from '@sorae/web-shared';
import { ApplicationCountsDocument, ApplicationDetailDocument, ApplicationsDocument, ReviewApplicationsDocument } from '../api/applications';
import type { ReviewOutcome, ReviewRequest } from './review';

/**
 * Confirms a review before it is sent. A rejection needs one reason (for every application in
 * it). Afterwards the queue, its counts and an open drawer are fetched again.
 */
export function ReviewDialog({
  request,
  onCancel,
  onReviewed,
}: {
  request: ReviewRequest;
  onCancel: () => void;
  onReviewed: (outcome: ReviewOutcome) => void;
}) {
  const [review, { loading }] = useMutation(ReviewApplicationsDocument, {
    // Pages and counts cached under other filters are stale too: drop them all, so any of them
    // shown later is fetched again, and fetch the ones on screen now.
    update: (cache) => {
      cache.evict({ id: 'ROOT_QUERY', fieldName: 'applications' });
      cache.evict({ id: 'ROOT_QUERY', fieldName: 'applicationCounts' });
      cache.gc();
    },
    refetchQueries: [ApplicationsDocument, ApplicationCountsDocument, ApplicationDetailDocument],
    awaitRefetchQueries: true,
  });
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | undefined>();
  const [problem, setProblem] = useState<Problem | null>(null);
  const reject = request.decision === 'REJECT';
  const verb = reject ? 'Reject' : 'Approve';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setProblem(null);
    if (reject && !reason.trim()) {
      setReasonError('A rejection needs a reason');
      return;
    }
    try {
      const { data } = await review({ variables: { input: { decision: request.decision, reason: reject ? reason.trim() : null, ...request.target } } });
      if (data) onReviewed(data.reviewApplications);
    } catch (err) {
      const p = describeError(err);
      if (p.fieldErrors.reason) setReasonError(p.fieldErrors.reason);
      setProblem(p.code === 'FORBIDDEN' ? { ...p, message: 'Your role cannot review applications. Ask an owner or a reviewer.' } : p);
    }
  };

  return (
    <Modal title={`${verb} ${request.subject}?`} onClose={onCancel} testId="review-dialog" busy={loading}>
      <form className="stack" onSubmit={submit} noValidate>
        <p>
          {reject
            ? `The ${request.count === 1 ? 'applicant does' : 'applicants do'} not join the program. The reason is kept for your team, and shown to applicants only where the campaign allows it.`
            : `Each approved applicant joins the program and gets a share link that works at once.`}
        </p>
        {reject ? (
          <TextAreaField
            label={request.count === 1 ? 'Reason' : 'Reason (one for all of them)'}
            name="reason"
            required
            rows={3}
            value={reason}
            onValueChange={(v) => {
              setReason(v);
              setReasonError(undefined);
            }}
            error={reasonError}
            autoFocus
            data-testid="review-reason"
          />
        ) : null}
        <FormError message={problem?.message} />
        <div className="modal__actions">
          <button type="button" className="btn btn--ghost" onClick={onCancel} disabled={loading}>
            Cancel
          </button>
          <button type="submit" className={reject ? 'btn btn--danger' : 'btn btn--primary'} disabled={loading} data-testid="review-confirm">
            {loading ? `${verb === 'Reject' ? 'Rejecting' : 'Approving'}…` : `${verb} ${request.count}`}
          </button>
        </div>
      </form>
    </Modal>
  );
}
