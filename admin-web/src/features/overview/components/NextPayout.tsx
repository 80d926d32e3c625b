import { Link } from 'react-router';
import { formatDate, formatMoney, formatNumber, nextPayout, utcDay } from '@sorae/web-shared';

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

/**
 * The payouts coming up: batches built but not yet sent (with their totals), and the next
 * scheduled payout day of the active campaigns, with how many finalized commissions wait for it.
 */
export function NextPayout({ campaigns, batches, finalizedCount }: { campaigns: readonly Campaign[]; batches: readonly Batch[]; finalizedCount: number }) {
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
        <p data-testid="next-payout-date">
          <strong>{formatDate(`${next.date}T00:00:00Z`)}</strong>: the batch for {periodName(next.period)} of {sameDay.map((u) => u.campaign.name).join(', ')}.
        </p>
      ) : (
        <p className="muted">No active campaign has a payout scheduled.</p>
      )}
      <p className="muted" data-testid="finalized-waiting">
        {formatNumber(finalizedCount)} finalized {finalizedCount === 1 ? 'commission waits' : 'commissions wait'} to be paid.
      </p>
      <div>
        <Link to="/payouts" className="btn btn--secondary btn--small">
          See every batch
        </Link>
      </div>
    </section>
  );
}
