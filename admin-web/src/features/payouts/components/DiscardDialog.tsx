import { useMutation } from '@apollo/client/react';
import { useNavigate } from 'react-router';
import { ConfirmDialog } from '@sorae/web-shared';
import { DiscardPayoutBatchDocument } from '../api/payouts';

interface Props {
  batch: { id: string; period: string; campaign: { name: string } };
  onClose: () => void;
}

/** Discarding a preview: nothing was sent; its commissions wait for the next batch. */
export function DiscardDialog({ batch, onClose }: Props) {
  const navigate = useNavigate();
  const [discard, { loading }] = useMutation(DiscardPayoutBatchDocument, {
    // Only the list: evicting the batch itself would make this page, still mounted until the
    // navigation below, fetch a batch that no longer exists. The navigation replaces this page
    // in the history, so Back does not show the discarded preview.
    update: (cache) => {
      cache.evict({ id: 'ROOT_QUERY', fieldName: 'payoutBatches' });
      cache.gc();
    },
  });
  return (
    <ConfirmDialog
      title="Discard this preview?"
      testId="discard-dialog"
      confirmLabel="Discard preview"
      busyLabel="Discarding…"
      danger
      busy={loading}
      onConfirm={() => discard({ variables: { id: batch.id } })}
      onDone={() => void navigate('/payouts', { replace: true, state: { discarded: `${batch.campaign.name}, ${batch.period}` } })}
      onClose={onClose}
    >
      <p>
        Nothing has been sent for {batch.campaign.name}, {batch.period}. Its commissions and clawbacks are released, and the next batch for this campaign
        includes them.
      </p>
    </ConfirmDialog>
  );
}
