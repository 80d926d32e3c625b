import type { PayoutBatchStatus } from '../../../gql/graphql';

interface Props {
  status: PayoutBatchStatus;
  progress: { pending: number; posted: number; failed: number };
}

/** How far execution has got: posted and failed items out of all, as one bar. */
export function BatchProgress({ status, progress }: Props) {
  const { pending, posted, failed } = progress;
  const total = pending + posted + failed;
  const done = posted + failed;
  const pct = (n: number) => (total === 0 ? 0 : (n / total) * 100);
  const running = status === 'EXECUTING';
  return (
    <div className="payout-progress" data-testid="batch-progress" data-status={status} data-done={done} data-total={total} data-failed={failed}>
      <div className="payout-progress__label">
        <span>
          {running ? 'Sending transfers… ' : ''}
          <strong>{done}</strong> of {total} done
        </span>
        <span className="muted" data-testid="batch-progress-counts">
          {posted} posted · {failed} failed · {pending} pending
        </span>
      </div>
      <div
        className={`payout-progress__track${running ? ' is-running' : ''}`}
        role="progressbar"
        aria-label="Batch progress"
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={done}
        aria-valuetext={`${done} of ${total} done: ${posted} posted, ${failed} failed`}
      >
        <span className="payout-progress__posted" style={{ width: `${pct(posted)}%` }} />
        <span className="payout-progress__failed" style={{ width: `${pct(failed)}%` }} />
      </div>
    </div>
  );
}
