import { useQuery } from '@apollo/client/react';
import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { errorCode, PageHeader, SelectField } from '@sorae/web-shared';
import type { CommissionStatus } from '../../../gql/graphql';
import { CommissionFilterChoicesDocument } from '../api/commissions';
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
  const [params, setParams] = useSearchParams();
  const status = (params.get('status') ?? '') as CommissionStatus | '';
  const campaignId = params.get('campaign') ?? '';
  const affiliateId = params.get('affiliate') ?? '';
  const subscriptionId = params.get('subscription') ?? '';
  const setParam = (key: string, value: string) =>
    setParams(
      (p) => {
        const next = new URLSearchParams(p);
        if (value) next.set(key, value);
        else next.delete(key);
        return next;
      },
      { replace: true },
    );

  const choices = useQuery(CommissionFilterChoicesDocument);
  const role = choices.data?.currentUser?.role;
  const canFinalize = role === 'FINANCE' || role === 'OWNER';
  const campaigns = useMemo(() => choices.data?.campaigns.edges.map((e) => e.node) ?? [], [choices.data]);
  const affiliates = useMemo(() => choices.data?.affiliates.edges.map((e) => e.node) ?? [], [choices.data]);
  const names = useMemo(() => new Map(affiliates.map((a) => [a.id, a.name])), [affiliates]);
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
            <button
              type="button"
              className="btn btn--secondary"
              onClick={() => setFinalizing({ kind: 'past-hold', campaignId })}
              data-testid="finalize-past-hold"
            >
              Finalize everything past its hold…
            </button>
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
            <SelectField
              label="Affiliate"
              value={affiliateId}
              onValueChange={(v) => setParam('affiliate', v)}
              options={[{ value: '', label: 'All affiliates' }, ...affiliates.map((a) => ({ value: a.id, label: `${a.name} (${a.email})` }))]}
              data-testid="filter-affiliate"
            />
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
            affiliateName={(id) => names.get(id)}
            onFinalizeSelected={(ids, clear) => setFinalizing({ kind: 'selected', ids, onDone: clear })}
          />
        </div>
      )}
      {finalizing ? <FinalizeDialog request={finalizing} campaigns={campaigns} onClose={() => setFinalizing(null)} /> : null}
    </>
  );
}
