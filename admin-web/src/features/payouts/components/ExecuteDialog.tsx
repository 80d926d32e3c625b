import { useMutation } from '@apollo/client/react';
import { useState } from 'react';
import { describeError, FormError, formatMoney, Modal } from '@sorae/web-shared';
import { ExecutePayoutBatchDocument } from '../api/payouts';

interface Props {
  batch: { id: string; period: string; totalMinor: number; currency: string; campaign: { name: string } };
  itemCount: number;
  onClose: () => void;
}

/** The confirmation before real money moves: how many transfers, how much, for what. */
export function ExecuteDialog({ batch, itemCount, onClose }: Props) {
  const [execute, { loading }] = useMutation(ExecutePayoutBatchDocument, {
    update: (cache) => {
      cache.evict({ id: 'ROOT_QUERY', fieldName: 'payoutBatches' });
      cache.gc();
    },
  });
  const [problem, setProblem] = useState<string | null>(null);
  const run = async () => {
    setProblem(null);
    try {
      await execute({ variables: { id: batch.id } });
      onClose();
    } catch (err) {
      setProblem(describeError(err).message);
    }
  };
  return (
    <Modal title="Execute this payout batch?" onClose={onClose} testId="execute-dialog" busy={loading}>
      <div className="stack">
        <p>
          Sends <strong data-testid="execute-count">{itemCount}</strong> Stripe transfer{itemCount === 1 ? '' : 's'} totalling{' '}
          <strong data-testid="execute-total">{formatMoney(batch.totalMinor, batch.currency)}</strong> to the affiliates of {batch.campaign.name} for {batch.period}.
        </p>
        <p className="muted">Each transfer is sent once, whatever happens; a transfer Stripe refuses is marked failed and can be retried from this page.</p>
        <FormError message={problem} />
        <div className="modal__actions">
          <button type="button" className="btn btn--ghost" onClick={onClose} disabled={loading}>
            Cancel
          </button>
          <button type="button" className="btn btn--primary" onClick={() => void run()} disabled={loading} data-testid="execute-confirm">
            {loading ? 'Starting…' : `Send ${itemCount} transfer${itemCount === 1 ? '' : 's'}`}
          </button>
        </div>
      </div>
    </Modal>
  );
}
