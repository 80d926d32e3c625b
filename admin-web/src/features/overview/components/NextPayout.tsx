import { useQuery } from '@apollo/client/react';
import { Link } from 'react-router';
import { formatDate, formatMoney, formatNumber, nextPayout, utcDay } from '@sorae/web-shared';
import { PayoutPreviewDocument } from '../api/overview';

interface Campaign {
  id: string;
  name: string;
  status: string;
  payoutDayOfMonth: number;
}
interface Batch {
  id: string;
  period: string;
  status: string;
  totalMinor: number;
  currency: string;
  campaign: { id: string };
}

const monthName = new Intl.DateTimeFormat(undefined, { month: 'long', year: 'numeric', timeZone: 'UTC' });
const periodName = (period: string) => monthName.format(new Date(`${period}-01T00:00:00Z`));

const affiliates = (n: number) => `${formatNumber(n)} ${n === 1 ? 'affiliate' : 'affiliates'}`;

/** What one campaign's next batch would pay now, per currency (the server previews the batch). */
function PayoutAmount({ campaign, period }: { campaign: Campaign; period: string }) {
  const { data, error } = useQuery(PayoutPreviewDocument, { variables: { campaignId: campaign.id, period }, fetchPolicy: 'cache-and-network' });
  if (error) return <li className="muted">{campaign.name}: the amount could not be loaded.</li>;
  if (!data) return null;
  const rows = data.payoutPreview;
  if (!rows.length) return <li data-testid="next-payout-amount">{campaign.name}: nothing finalized to pay yet.</li>;
  return (
    <>
      {rows.map((r) => (
        <li key={r.currency} data-testid="next-payout-amount">
          {campaign.name}: <strong>{formatMoney(r.amountMinor, r.currency)}</strong> to {affiliates(r.affiliates)}
          {r.awaitingAccountAffiliates ? (
            <span className="muted">
              {' '}
              ({formatMoney(r.awaitingAccountMinor, r.currency)} waits until {affiliates(r.awaitingAccountAffiliates)}{' '}
              {r.awaitingAccountAffiliates === 1 ? 'connects' : 'connect'} Stripe)
            </span>
          ) : null}
          .
        </li>
      ))}
    </>
  );
}

/**
 * The payouts coming up: batches built but not yet sent (with their totals), and the next
 * scheduled payout day of the active campaigns, with what that batch would pay if built now.
 */
export function NextPayout({ campaigns, batches }: { campaigns: readonly Campaign[]; batches: readonly Batch[] }) {
  const today = utcDay(new Date());
  const open = batches.filter((b) => b.status === 'DRAFT' || b.status === 'EXECUTING');
  const upcoming = campaigns
    .filter((c) => c.status === 'ACTIVE')
    .map((c) => ({
      campaign: c,
      ...nextPayout(
        c.payoutDayOfMonth,
        today,
        batches.filter((b) => b.campaign.id === c.id).map((b) => b.period),
      ),
    }))
    .sort((a, b) => a.date.localeCompare(b.date));
  const next = upcoming[0];
  const sameDay = upcoming.filter((u) => next && u.date === next.date);
  return (
    <section className="card stack stack--tight" aria-labelledby="next-payout-heading" data-testid="next-payout">
      <h2 id="next-payout-heading">Next payout</h2>
      {open.map((b) => (
        <p key={b.id} data-testid="open-batch">
          <Link to={`/payouts/${b.id}`}>Batch for {periodName(b.period)}</Link>: {formatMoney(b.totalMinor, b.currency)},{' '}
          {b.status === 'DRAFT' ? 'built and waiting to be executed' : 'being sent'}.
        </p>
      ))}
      {next ? (
        <>
          <p data-testid="next-payout-date">
            <strong>{formatDate(`${next.date}T00:00:00Z`)}</strong>: the batch for {periodName(next.period)} of {sameDay.map((u) => u.campaign.name).join(', ')}
            . It would pay, if built now:
          </p>
          <ul className="stack stack--tight">
            {sameDay.map((u) => (
              <PayoutAmount key={u.campaign.id} campaign={u.campaign} period={u.period} />
            ))}
          </ul>
        </>
      ) : (
        <p className="muted">No active campaign has a payout scheduled.</p>
      )}
      <div>
        <Link to="/payouts" className="btn btn--secondary btn--small">
          See every batch
        </Link>
      </div>
    </section>
  );
}
