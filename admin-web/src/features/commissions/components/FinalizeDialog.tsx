import { useMutation } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { describeError, FormError, Modal, type Problem, SelectField } from '@sorae/web-shared';
import { CommissionsDocument, FinalizeCommissionsDocument } from '../api/commissions';

export type FinalizeRequest = { kind: 'selected'; ids: string[]; onDone: () => void } | { kind: 'past-hold'; campaignId: string };

interface CampaignChoice {
  id: string;
  name: string;
  holdDays: number;
}

/**
 * Confirms finalization, sends it, and shows how many commissions were locked. Selected
 * commissions are finalized now whatever their hold period; "past its hold" finalizes every
 * pending commission of one campaign whose hold period is over.
 */
export function FinalizeDialog({ request, campaigns, onClose }: { request: FinalizeRequest; campaigns: readonly CampaignChoice[]; onClose: () => void }) {
  const [finalize, { loading }] = useMutation(FinalizeCommissionsDocument, {
    // Every cached page (any filter) may hold a commission that changed: fetch again when shown.
    update: (cache) => {
      cache.evict({ id: 'ROOT_QUERY', fieldName: 'commissions' });
      cache.evict({ id: 'ROOT_QUERY', fieldName: 'affiliates' });
      cache.gc();
    },
    refetchQueries: [CommissionsDocument],
  });
  const [campaignId, setCampaignId] = useState(request.kind === 'past-hold' ? request.campaignId : '');
  const [campaignError, setCampaignError] = useState<string | undefined>();
  const [problem, setProblem] = useState<Problem | null>(null);
  const [finalizedCount, setFinalizedCount] = useState<number | null>(null);
  const campaign = campaigns.find((c) => c.id === campaignId);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setProblem(null);
    if (request.kind === 'past-hold' && !campaignId) {
      setCampaignError('Choose the campaign');
      return;
    }
    try {
      const input = request.kind === 'selected' ? { ids: request.ids } : { campaignId };
      const { data } = await finalize({ variables: { input } });
      if (!data) return;
      setFinalizedCount(data.finalizeCommissions.finalizedCount);
      if (request.kind === 'selected') request.onDone();
    } catch (err) {
      const p = describeError(err);
      setProblem(p.code === 'FORBIDDEN' ? { ...p, message: 'Only finance and owner operators can finalize commissions.' } : p);
    }
  };

  const title =
    request.kind === 'selected' ? `Finalize ${request.ids.length} commission${request.ids.length === 1 ? '' : 's'} now?` : 'Finalize everything past its hold?';

  if (finalizedCount !== null) {
    return (
      <Modal title="Commissions finalized" onClose={onClose} testId="finalize-dialog">
        <div className="stack">
          <p data-testid="finalize-result" data-count={finalizedCount}>
            {finalizedCount === 0
              ? 'Nothing was finalized: no pending commission qualified (another operator or the scheduled sweep may have finalized them already).'
              : `${finalizedCount} commission${finalizedCount === 1 ? ' was' : 's were'} finalized. Their amounts are locked; a later refund becomes a clawback on the next payout.`}
          </p>
          <div className="modal__actions">
            <button type="button" className="btn btn--primary" onClick={onClose} data-testid="finalize-done">
              Done
            </button>
          </div>
        </div>
      </Modal>
    );
  }

  return (
    <Modal title={title} onClose={onClose} testId="finalize-dialog" busy={loading}>
      <form className="stack" onSubmit={submit} noValidate>
        {request.kind === 'selected' ? (
          <p>They are locked now, before their hold period ends. A refund after this cannot lower them; it is clawed back from the affiliate's next payout.</p>
        ) : (
          <>
            <SelectField
              label="Campaign"
              value={campaignId}
              onValueChange={(v) => {
                setCampaignId(v);
                setCampaignError(undefined);
              }}
              options={[{ value: '', label: 'Choose a campaign' }, ...campaigns.map((c) => ({ value: c.id, label: c.name }))]}
              error={campaignError}
              data-testid="finalize-campaign"
            />
            <p>
              Every pending commission of {campaign ? <strong>{campaign.name}</strong> : 'this campaign'} older than its hold period
              {campaign ? ` (${campaign.holdDays} day${campaign.holdDays === 1 ? '' : 's'})` : ''} is locked now, as the scheduled sweep would. Newer ones stay
              pending.
            </p>
          </>
        )}
        <FormError message={problem?.message} />
        <div className="modal__actions">
          <button type="button" className="btn btn--ghost" onClick={onClose} disabled={loading}>
            Cancel
          </button>
          <button type="submit" className="btn btn--primary" disabled={loading} data-testid="finalize-confirm">
            {loading ? 'Finalizing…' : 'Finalize'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
