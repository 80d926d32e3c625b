import { useQuery } from '@apollo/client/react';
import { useEffect, useMemo, useState } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { errorCode, PageHeader } from '@sorae/web-shared';
import { PayoutChoicesDocument } from '../api/payouts';
import { BatchesTable } from '../components/BatchesTable';
import { NewBatchDialog } from '../components/NewBatchDialog';
import '../payouts.css';

/** Payout batches: the monthly ones and those made on demand, each with its preview and execution. */
export function PayoutsRoute() {
  const choices = useQuery(PayoutChoicesDocument);
  const role = choices.data?.currentUser?.role;
  const canRun = role === 'FINANCE' || role === 'OWNER';
  const forbidden = role === 'REVIEWER' || errorCode(choices.error) === 'FORBIDDEN';
  const campaigns = useMemo(() => choices.data?.campaigns.edges.map((e) => e.node) ?? [], [choices.data]);
  const [creating, setCreating] = useState(false);
  // Set by the batch page after a preview was discarded: shown once, then dropped from history
  // so a reload or Back does not show it again.
  const location = useLocation();
  const navigate = useNavigate();
  const [discarded] = useState((location.state as { discarded?: string } | null)?.discarded);
  useEffect(() => {
    if (location.state) void navigate('.', { replace: true, state: null });
  }, [location.state, navigate]);

  return (
    <>
      <PageHeader
        title="Payouts"
        description="Batches of Stripe Connect transfers: one item per affiliate over their finalized commissions, net of clawbacks. Preview a batch, then execute it."
        actions={
          canRun ? (
            <button type="button" className="btn btn--primary" onClick={() => setCreating(true)} data-testid="new-batch">
              New batch…
            </button>
          ) : null
        }
      />
      {discarded ? (
        <div className="banner banner--success" role="status" data-testid="batch-discarded">
          The preview for {discarded} was discarded. Its commissions go into the next batch.
        </div>
      ) : null}
      {forbidden ? (
        <p className="muted" data-testid="payouts-forbidden">
          Payouts are run by finance and owner operators.
        </p>
      ) : (
        <BatchesTable />
      )}
      {creating ? <NewBatchDialog campaigns={campaigns} onClose={() => setCreating(false)} /> : null}
    </>
  );
}
