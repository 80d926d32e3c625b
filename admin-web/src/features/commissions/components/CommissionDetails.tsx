import { useQuery } from '@apollo/client/react';
import { Link } from 'react-router';
import { AttributionExplanation, formatDateTime, formatMoney, recurringLabel, type TouchView } from '@sorae/web-shared';
import type { AdjustmentKind, CommissionRowFragment } from '../../../gql/graphql';
import { AffiliateNameDocument } from '../api/commissions';

const ADJUSTMENT_KINDS: Record<AdjustmentKind, string> = { REFUND: 'after a refund' };

/**
 * Under an expanded row: why the order went to this affiliate (every touch, kept or dropped and
 * why, the winner and the rule) and how its amount came to be (the original, then each adjustment).
 */
export function CommissionDetails({ commission: c }: { commission: CommissionRowFragment }) {
  const name = (t: TouchView) => (t.affiliateId ? <AffiliateLink id={t.affiliateId} /> : undefined);
  return (
    <div className="grid grid--2 commission-details" data-testid="commission-details">
      <section aria-label="Why this order was attributed">
        <h3 className="section-title">Why this affiliate</h3>
        <p className="muted">
          Order <code>{c.conversion.orderId}</code> of {formatMoney(c.conversion.amountMinor, c.conversion.currency)} at{' '}
          {formatDateTime(c.conversion.occurredAt)}.
        </p>
        {c.subscriptionId ? (
          <p className="muted" data-testid="commission-subscription">
            {recurringLabel(c)} of subscription <code>{c.subscriptionId}</code>.{' '}
            <Link to={`/commissions?subscription=${encodeURIComponent(c.subscriptionId)}`} data-testid="commission-subscription-chain">
              Every commission of this subscription
            </Link>
          </p>
        ) : null}
        <AttributionExplanation attribution={c.conversion.attribution} name={name} />
      </section>
      <section aria-label="Adjustment history">
        <h3 className="section-title">Amount history</h3>
        <ol className="history" data-testid="adjustment-history">
          <li>
            <strong>{formatMoney(c.originalAmountMinor, c.currency)}</strong> earned <span className="muted">· {formatDateTime(c.createdAt)}</span>
          </li>
          {c.adjustments.map((a) => (
            <li key={a.id} data-testid="adjustment">
              <strong>{formatMoney(a.amountMinor, c.currency)}</strong> {ADJUSTMENT_KINDS[a.kind]}{' '}
              <span className="muted">· {formatDateTime(a.createdAt)}</span>
              {a.reason ? <div className="history__reason muted">{a.reason}</div> : null}
            </li>
          ))}
          {c.finalizedAt ? (
            <li>
              Finalized at <strong>{formatMoney(c.amountMinor, c.currency)}</strong> <span className="muted">· {formatDateTime(c.finalizedAt)}</span>
            </li>
          ) : (
            <li>
              Now <strong>{formatMoney(c.amountMinor, c.currency)}</strong>
              {c.status === 'PENDING' ? <span className="muted"> · refunds can still change it until it is finalized</span> : null}
            </li>
          )}
          {c.paidAt ? (
            <li>
              Paid <span className="muted">· {formatDateTime(c.paidAt)}</span>
            </li>
          ) : null}
        </ol>
      </section>
    </div>
  );
}

/** "<name>'s link": the affiliate of a touch, read one at a time (a commission shows a few touches). */
function AffiliateLink({ id }: { id: string }) {
  const name = useQuery(AffiliateNameDocument, { variables: { id } }).data?.affiliate?.name;
  return <>{name ?? 'another affiliate'}&apos;s link</>;
}
