import { useQuery } from '@apollo/client/react';
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { errorCode, PageHeader, SelectField } from '@sorae/web-shared';
import type { CommissionStatus } from '../../../gql/graphql';
import { ExportCsvLink } from '../../../lib/ExportCsvLink';
import { useUrlParams } from '../../../lib/useUrlParams';
import { CommissionFilterChoicesDocument } from '../api/commissions';
import { AffiliatePicker } from '../components/AffiliatePicker';
import { CommissionsTable } from '../components/CommissionsTable';
import { FinalizeDialog, type FinalizeRequest } from '../components/FinalizeDialog';

const STATUSES: { value: CommissionStatus | ''; label: string }[] = [
  { value: '', label: 'Any status' },
  { value: 'PENDING', label: 'Pending' },
  { value: 'FINALIZED', label: 'Finalized' },
  { value: 'REVERSED', label: 'Reversed' },
  { value: 'PAID', label: 'Paid' },
];

/** Filters live in the URL (`?status=&campaign=&affiliate=&subscription=`), so an affiliate's page and a commission's details can link here. */
export function CommissionsRoute() {
  const [params, setParam] = useUrlParams();
  const status = (params.get('status') ?? '') as CommissionStatus | '';
  const campaignId = params.get('campaign') ?? '';
  const affiliateId = params.get('affiliate') ?? '';
  const subscriptionId = params.get('subscription') ?? '';

  const choices = useQuery(CommissionFilterChoicesDocument);
  const role = choices.data?.currentUser?.role;
  const canFinalize = role === 'FINANCE' || role === 'OWNER';
  const campaigns = useMemo(() => choices.data?.campaigns.edges.map((e) => e.node) ?? [], [choices.data]);
  const [finalizing, setFinalizing] = useState<FinalizeRequest | null>(null);

  const filter = { status: status || null, campaignId: campaignId || null, affiliateId: affiliateId || null, subscriptionId: subscriptionId || null };
  const forbidden = role === 'REVIEWER' || errorCode(choices.error) === 'FORBIDDEN';

  return (
    <>
      <PageHeader
        title="Commissions"
        description={
          <>
            What each affiliate earned, why each order was attributed to them, and every adjustment. Finalizing locks an amount. Orders won by a customer's
            referral code earn no commission: see{' '}
            <Link to="/referrals" data-testid="commissions-referrals-link">
              Referrals
            </Link>
            .
          </>
        }
        actions={
          canFinalize ? (
            <>
              <ExportCsvLink list="commissions" filter={filter} />
              <button
                type="button"
                className="btn btn--secondary"
                onClick={() => setFinalizing({ kind: 'past-hold', campaignId })}
                data-testid="finalize-past-hold"
              >
                Finalize everything past its hold…
              </button>
            </>
          ) : null
        }
      />
      {forbidden ? (
        <p className="muted" data-testid="commissions-forbidden">
          Commissions are visible to finance and owner operators.
        </p>
      ) : (
        <div className="stack">
          <div className="filters" data-testid="commission-filters">
            <SelectField label="Status" value={status} onValueChange={(v) => setParam('status', v)} options={STATUSES} data-testid="filter-status" />
            <SelectField
              label="Campaign"
              value={campaignId}
              onValueChange={(v) => setParam('campaign', v)}
              options={[{ value: '', label: 'All campaigns' }, ...campaigns.map((c) => ({ value: c.id, label: c.name }))]}
              data-testid="filter-campaign"
            />
            <AffiliatePicker value={affiliateId} onChange={(id) => setParam('affiliate', id)} />
            {subscriptionId ? (
              <p className="muted" data-testid="filter-subscription">
                Subscription <code>{subscriptionId}</code>, first payment last{' '}
                <button
                  type="button"
                  className="btn btn--ghost btn--small"
                  onClick={() => setParam('subscription', '')}
                  data-testid="filter-subscription-clear"
                >
                  Show all
                </button>
              </p>
            ) : null}
          </div>
          <CommissionsTable
            key={`${status}|${campaignId}|${affiliateId}|${subscriptionId}`}
            filter={filter}
            canFinalize={canFinalize}
            onFinalizeSelected={(ids, clear) => setFinalizing({ kind: 'selected', ids, onDone: clear })}
          />
        </div>
      )}
      {finalizing ? <FinalizeDialog request={finalizing} campaigns={campaigns} onClose={() => setFinalizing(null)} /> : null}
    </>
  );
}
