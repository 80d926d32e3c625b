import { useQuery } from '@apollo/client/react';
import { Link } from 'react-router';
import { CurrencyAmounts, explainPayoutFailure, formatDate, formatMoney, nextPayout, utcDay } from '@sorae/web-shared';
import { ProgramTermsDocument } from '../../../components/program-terms';
import type { DashboardQuery } from '../../../gql/graphql';

type Me = DashboardQuery['me'];

/**
 * Where the affiliate's money stands: a failed payout with its reason and what to do, the
 * prompt to connect Stripe while finalized money waits for an account, and each program's
 * next payout day with the finalized amount it will pay.
 */
export function PayoutOutlook({ me }: { me: Me }) {
  const waiting = me.stats.byCurrency.filter((c) => c.finalizedMinor > 0).map((c) => ({ currency: c.currency, amountMinor: c.finalizedMinor }));
  const failed = me.payouts.edges.map((e) => e.node).filter((p) => p.status === 'FAILED');
  const needsStripe = waiting.length > 0 && me.payoutAccount.status !== 'ENABLED';
  return (
    <>
      {failed.map((p) => {
        const advice = explainPayoutFailure(p.failureCode);
        return (
          <section key={p.id} className="banner banner--warning stack stack--tight" role="alert" data-testid="failed-payout" data-code={p.failureCode ?? ''}>
            <h2>
              Your payout of {formatMoney(p.amountMinor, p.currency)} from {p.batch.campaign.name} failed
            </h2>
            <p data-testid="failed-payout-reason">{advice.reason}</p>
            <p data-testid="failed-payout-next">{advice.next}</p>
            {advice.inStripe ? (
              <div>
                <Link to="/get-paid" className="btn btn--primary btn--small">
                  Open Get paid
                </Link>
              </div>
            ) : null}
          </section>
        );
      })}
      {needsStripe ? (
        <section className="banner banner--info stack stack--tight" data-testid="connect-stripe-prompt">
          <h2>Connect Stripe to receive your money</h2>
          <p>
            <CurrencyAmounts amounts={waiting} testId="waiting-for-stripe" /> is finalized and waiting for you, but payouts go only to a connected Stripe
            account. Until you connect one it is carried forward; nothing is lost.
          </p>
          <div>
            <Link to="/get-paid" className="btn btn--primary btn--small" data-testid="connect-stripe-prompt-link">
              {me.payoutAccount.status === 'NOT_CONNECTED' ? 'Connect Stripe' : 'Finish connecting Stripe'}
            </Link>
          </div>
        </section>
      ) : null}
      {me.enrollments.length > 0 ? (
        <section className="card stack stack--tight" aria-labelledby="next-payout-heading" data-testid="next-payout">
          <h2 id="next-payout-heading">Next payout</h2>
          <p>
            Finalized and waiting to be paid:{' '}
            {waiting.length > 0 ? <CurrencyAmounts amounts={waiting} testId="next-payout-amount" /> : <span data-testid="next-payout-amount">nothing yet</span>}
          </p>
          <ul className="plain-list">
            {me.enrollments.map((e) => (
              <PayoutDay
                key={e.id}
                slug={e.campaign.slug}
                name={e.campaign.name}
                paidPeriods={me.payouts.edges.filter((p) => p.node.batch.campaign.id === e.campaign.id).map((p) => p.node.batch.period)}
              />
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}

/** A program's next payout day (from its public terms and the batches that paid the affiliate), and the minimum it pays. */
function PayoutDay({ slug, name, paidPeriods }: { slug: string; name: string; paidPeriods: string[] }) {
  const { data } = useQuery(ProgramTermsDocument, { variables: { slug } });
  const terms = data?.publicCampaign;
  if (!terms) return null;
  const next = nextPayout(terms.payoutDayOfMonth, utcDay(new Date()), paidPeriods);
  return (
    <li data-testid="next-payout-day" data-campaign={name}>
      <span className="table__primary">{name}</span>: {formatDate(`${next.date}T00:00:00Z`)}
      {terms.minPayoutMinor > 0 ? <span className="muted"> (balances under {formatMoney(terms.minPayoutMinor, terms.currency)} wait a month)</span> : null}
    </li>
  );
}
