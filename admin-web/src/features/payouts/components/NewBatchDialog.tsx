import { useMutation } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { describeError, FormError, formatMoney, Modal, type Problem, SelectField, TextField } from '@sorae/web-shared';
import { CreatePayoutBatchDocument } from '../api/payouts';

interface CampaignChoice {
  id: string;
  name: string;
  currency: string;
  minPayoutMinor: number;
}

/** The month before this one (UTC, as the server's schedule counts months), e.g. "2026-10". */
export function previousPeriod(now = new Date()): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/**
 * Builds a DRAFT batch for a campaign and month and opens its preview. Nothing is sent until the
 * operator executes it from there.
 */
export function NewBatchDialog({ campaigns, onClose }: { campaigns: readonly CampaignChoice[]; onClose: () => void }) {
  const navigate = useNavigate();
  const [campaignId, setCampaignId] = useState(campaigns.length === 1 ? campaigns[0]!.id : '');
  const [period, setPeriod] = useState(previousPeriod());
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [problem, setProblem] = useState<Problem | null>(null);
  const [create, { loading }] = useMutation(CreatePayoutBatchDocument, {
    update: (cache) => {
      cache.evict({ id: 'ROOT_QUERY', fieldName: 'payoutBatches' });
      cache.gc();
    },
  });
  const campaign = campaigns.find((c) => c.id === campaignId);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setProblem(null);
    const local: Record<string, string> = {};
    if (!campaignId) local.campaignId = 'Choose the campaign';
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(period)) local.period = 'Choose a month';
    setErrors(local);
    if (Object.keys(local).length) return;
    try {
      const { data } = await create({ variables: { input: { campaignId, period } } });
      if (data) navigate(`/payouts/${data.createPayoutBatch.id}`);
    } catch (err) {
      const p = describeError(err);
      setErrors(p.fieldErrors);
      setProblem(p.code === 'FORBIDDEN' ? { ...p, message: 'Only finance and owner operators can create payout batches.' } : p);
    }
  };

  return (
    <Modal title="New payout batch" onClose={onClose} testId="new-batch-dialog" busy={loading}>
      <form className="stack" onSubmit={submit} noValidate>
        <SelectField
          label="Campaign"
          value={campaignId}
          onValueChange={(v) => {
            setCampaignId(v);
            setErrors((x) => ({ ...x, campaignId: '' }));
          }}
          options={[{ value: '', label: 'Choose a campaign' }, ...campaigns.map((c) => ({ value: c.id, label: `${c.name} (${c.currency})` }))]}
          error={errors.campaignId || undefined}
          data-testid="new-batch-campaign"
        />
        <TextField
          label="Period"
          type="month"
          value={period}
          onValueChange={(v) => {
            setPeriod(v);
            setErrors((x) => ({ ...x, period: '' }));
          }}
          hint="The month this batch pays for (by default the previous one)."
          error={errors.period || undefined}
          data-testid="new-batch-period"
        />
        <p className="muted">
          The batch gathers every finalized, unpaid commission of the campaign into one item per affiliate, net of clawbacks. Affiliates below the minimum
          payout
          {campaign ? ` (${formatMoney(campaign.minPayoutMinor, campaign.currency)})` : ''} or without a payouts-enabled Stripe account are carried forward. You
          see the preview next; nothing is sent until you execute it.
        </p>
        <FormError message={problem?.message} />
        <div className="modal__actions">
          <button type="button" className="btn btn--ghost" onClick={onClose} disabled={loading}>
            Cancel
          </button>
          <button type="submit" className="btn btn--primary" disabled={loading} data-testid="new-batch-submit">
            {loading ? 'Building…' : 'Build preview'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
