import { useQuery } from '@apollo/client/react';
import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { ErrorState, formatDateTime, PageHeader, PayoutAccountStatusBadge, type PayoutAccountStatus, Spinner } from '@sorae/web-shared';
import { MyPayoutAccountDocument } from '../api/get-paid';
import { ConnectStripeButton } from '../components/ConnectStripeButton';

const EXPLAIN: Record<PayoutAccountStatus, { title: string; text: string; action?: string }> = {
  NOT_CONNECTED: {
    title: 'Connect a Stripe account to get paid',
    text: 'Commissions are paid by Stripe transfer into your own Stripe account. Until you connect one, your finalized commissions are kept and carried forward to later payouts; nothing is lost.',
    action: 'Connect with Stripe',
  },
  PENDING: {
    title: 'Stripe still needs a few details',
    text: 'You have started connecting your Stripe account, but Stripe cannot send payouts to it until onboarding is finished. Continue where you left off.',
    action: 'Continue onboarding',
  },
  ENABLED: {
    title: 'You are ready to be paid',
    text: 'Your Stripe account can receive payouts. Finalized commissions are paid in the next payout batch of each program.',
  },
  RESTRICTED: {
    title: 'Stripe has put payouts on hold',
    text: 'Stripe needs more information, or could not verify what was given, before it can receive payouts. Your commissions are kept until this is resolved. Continue onboarding to see what Stripe asks for.',
    action: 'Continue onboarding',
  },
};

/** How long to keep asking after Stripe sends the affiliate back (its account.updated webhook may trail the redirect). */
const SETTLE_MS = 15_000;

/**
 * The affiliate's Stripe Connect account: its status in words and the way to connect it or
 * finish onboarding. Stripe returns here with `?onboarding=return` (done) or `refresh` (the link
 * expired); the status is then fetched again until Stripe's answer has arrived.
 */
export function GetPaidRoute() {
  const [params, setParams] = useSearchParams();
  const returned = params.get('onboarding');
  const { data, error, loading, refetch, startPolling, stopPolling } = useQuery(MyPayoutAccountDocument, { fetchPolicy: 'cache-and-network' });
  const account = data?.me.payoutAccount;
  const [settling, setSettling] = useState(returned === 'return');

  // Back from Stripe: poll until the account leaves the in-between states, for a while at most.
  useEffect(() => {
    if (!settling) return;
    startPolling(1_000);
    const timer = setTimeout(() => setSettling(false), SETTLE_MS);
    return () => {
      clearTimeout(timer);
      stopPolling();
    };
  }, [settling, startPolling, stopPolling]);
  useEffect(() => {
    if (settling && account && (account.status === 'ENABLED' || account.status === 'RESTRICTED')) setSettling(false);
  }, [settling, account]);

  if (!account) {
    if (error) return <ErrorState error={error} onRetry={() => void refetch()} title="Could not load your payout account" />;
    return loading ? <Spinner /> : null;
  }
  const explain = EXPLAIN[account.status];
  const dismiss = () =>
    setParams(
      (p) => {
        const next = new URLSearchParams(p);
        next.delete('onboarding');
        return next;
      },
      { replace: true },
    );

  return (
    <>
      <PageHeader title="Get paid" description="Where your commissions are paid: your Stripe account, connected through Stripe Connect." />
      <div className="stack">
        {returned === 'return' ? (
          <div
            className={`banner ${account.status === 'ENABLED' ? 'banner--success' : 'banner--info'} banner--row`}
            role="status"
            data-testid="onboarding-returned"
          >
            <span>
              {account.status === 'ENABLED'
                ? 'Welcome back: your Stripe account is connected and can receive payouts.'
                : settling
                  ? 'Welcome back: checking your account with Stripe…'
                  : 'Welcome back. Stripe has not enabled payouts on your account yet; see below.'}
            </span>
            <button type="button" className="btn btn--ghost btn--small" onClick={dismiss}>
              Dismiss
            </button>
          </div>
        ) : null}
        {returned === 'refresh' ? (
          <div className="banner banner--warning" role="status" data-testid="onboarding-refresh">
            The onboarding link expired before it was finished. Continue onboarding to get a fresh one.
          </div>
        ) : null}
        <section className="card stack" aria-labelledby="account-heading" data-testid="payout-account" data-status={account.status}>
          <div className="stack stack--tight">
            <h2 id="account-heading">{explain.title}</h2>
            <div>
              <PayoutAccountStatusBadge status={account.status} />
            </div>
            <p>{explain.text}</p>
          </div>
          {account.stripeAccountId ? (
            <dl className="facts">
              <dt>Stripe account</dt>
              <dd>
                <code data-testid="stripe-account-id">{account.stripeAccountId}</code>
              </dd>
              {account.updatedAt ? (
                <>
                  <dt>Last update from Stripe</dt>
                  <dd>{formatDateTime(account.updatedAt)}</dd>
                </>
              ) : null}
            </dl>
          ) : null}
          {explain.action ? <ConnectStripeButton label={explain.action} /> : null}
          {account.status === 'ENABLED' ? (
            <p className="muted">
              See every payout and the commissions it covered on <Link to="/payouts">Payouts</Link>.
            </p>
          ) : null}
        </section>
      </div>
    </>
  );
}
