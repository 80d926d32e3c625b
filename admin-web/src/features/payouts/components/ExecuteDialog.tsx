import { useMutation } from '@apollo/client/react';
import { ConfirmDialog, formatMoney } from '@sorae/web-shared';
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
  const transfers = `${itemCount} transfer${itemCount === 1 ? '' : 's'}`;
  return (
    <ConfirmDialog
      title="Execute this payout batch?"
      testId="execute-dialog"
      confirmLabel={`Send ${transfers}`}
      busyLabel="Starting…"
      busy={loading}
      onConfirm={() => execute({ variables: { id: batch.id } })}
      onClose={onClose}
    >
      <p>
        Sends <strong data-testid="execute-count">{itemCount}</strong> Stripe transfer{itemCount === 1 ? '' : 's'} totalling{' '}
        <strong data-testid="execute-total">{formatMoney(batch.totalMinor, batch.currency)}</strong> to the affiliates of {batch.campaign.name} for{' '}
        {batch.period}.
      </p>
      <p className="muted">Each transfer is sent once, whatever happens; a transfer Stripe refuses is marked failed and can be retried from this page.</p>
    </ConfirmDialog>
  );
}
