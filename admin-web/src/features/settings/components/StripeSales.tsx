import { useMutation, useQuery } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { Badge, ConfirmDialog, describeError, ErrorState, FormError, Spinner, TextField, type Problem } from '@sorae/web-shared';
import { ConnectDemoStripeSalesDocument, ConnectStripeSalesDocument, DisconnectStripeSalesDocument, StripeSalesDocument } from '../api/stripe-sales';

const when = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : 'never');

/**
 * The Stripe account the merchant sells through: paste a key (owners), see the status, the
 * account and the last event, disconnect. With the built-in emulator, one button connects a demo
 * account of its own.
 */
export function StripeSales() {
  const { data, loading, error, refetch } = useQuery(StripeSalesDocument);
  const refetchQueries = [StripeSalesDocument];
  const [connect, connecting] = useMutation(ConnectStripeSalesDocument, { refetchQueries, awaitRefetchQueries: true });
  const [connectDemo, connectingDemo] = useMutation(ConnectDemoStripeSalesDocument, { refetchQueries, awaitRefetchQueries: true });
  const [disconnect, disconnecting] = useMutation(DisconnectStripeSalesDocument, { refetchQueries, awaitRefetchQueries: true });
  const [apiKey, setApiKey] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [confirming, setConfirming] = useState(false);

  if (error) return <ErrorState error={error} onRetry={() => void refetch()} title="Could not load the Stripe connection" />;
  const user = data?.currentUser;
  if (loading && !user) return <Spinner />;
  const sales = user?.merchant.stripeSales;
  const isOwner = user?.role === 'OWNER';

  const attempt = async (run: () => Promise<unknown>) => {
    setProblem(null);
    try {
      await run();
      setApiKey('');
    } catch (err) {
      setProblem(describeError(err));
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void attempt(() => connect({ variables: { apiKey: apiKey.trim() } }));
  };
  const { apiKey: keyError, ...rest } = problem?.fieldErrors ?? {};
  const connected = sales && sales.status !== 'NOT_CONNECTED';

  return (
    <div className="stack" data-testid="stripe-sales">
      <p>
        If you sell through Stripe Checkout, Payment Links or Stripe Billing, connect that Stripe account: paid sessions and invoices become orders, renewals
        follow their subscription, and refunds and lost disputes reduce commissions, with no code in your store.
      </p>
      {connected ? (
        <dl className="facts" data-testid="stripe-sales-status">
          <dt>Status</dt>
          <dd>
            <Badge tone={sales.status === 'CONNECTED' ? 'success' : 'danger'}>{sales.status === 'CONNECTED' ? 'Connected' : 'Error'}</Badge>
          </dd>
          <dt>Account</dt>
          <dd>
            <code data-testid="stripe-sales-account">{sales.accountId}</code>
          </dd>
          <dt>Connected</dt>
          <dd>{when(sales.connectedAt)}</dd>
          <dt>Last event</dt>
          <dd data-testid="stripe-sales-last-event">{when(sales.lastEventAt)}</dd>
          {sales.lastError ? (
            <>
              <dt>Last error</dt>
              <dd className="field__error">{sales.lastError}</dd>
            </>
          ) : null}
          {sales.missingCoupons.length ? (
            <>
              <dt>Missing coupons</dt>
              <dd className="field__error" data-testid="stripe-sales-missing-coupons">
                {sales.missingCoupons.map((m) => (
                  <div key={m}>{m}</div>
                ))}
                <div className="muted">Promotion codes for these wait until the coupon exists in the account.</div>
              </dd>
            </>
          ) : null}
        </dl>
      ) : (
        <p className="muted" data-testid="stripe-sales-status">
          Not connected.
        </p>
      )}
      {!isOwner ? (
        <p className="muted">Only the merchant's owner can connect or disconnect the Stripe account.</p>
      ) : connected ? (
        <div>
          <button type="button" className="btn btn--secondary" onClick={() => setConfirming(true)} data-testid="stripe-sales-disconnect">
            Disconnect…
          </button>
        </div>
      ) : (
        <form className="stack" onSubmit={submit} noValidate data-testid="stripe-sales-form">
          <TextField
            label="Secret or restricted key"
            value={apiKey}
            onValueChange={setApiKey}
            placeholder="rk_live_…"
            autoComplete="off"
            hint="A restricted key needs Checkout Sessions, Invoices, Charges, Refunds and Promotion Codes: Read, and Webhook Endpoints: Write. It is stored encrypted."
            error={keyError}
            data-testid="stripe-sales-key"
          />
          <div className="row-actions">
            <button type="submit" className="btn btn--primary" disabled={connecting.loading || !apiKey.trim()} data-testid="stripe-sales-connect">
              {connecting.loading ? 'Connecting…' : 'Connect'}
            </button>
            {sales?.demoAvailable ? (
              <button
                type="button"
                className="btn btn--secondary"
                disabled={connectingDemo.loading}
                onClick={() => void attempt(() => connectDemo())}
                data-testid="stripe-sales-connect-demo"
              >
                {connectingDemo.loading ? 'Connecting…' : 'Connect the demo sales account'}
              </button>
            ) : null}
          </div>
          <FormError message={problem && !keyError ? problem.message : null} details={rest} />
        </form>
      )}
      {confirming ? (
        <ConfirmDialog
          title="Disconnect the Stripe account?"
          testId="stripe-sales-disconnect-dialog"
          confirmLabel="Disconnect"
          busyLabel="Disconnecting…"
          danger
          busy={disconnecting.loading}
          onConfirm={async () => {
            await disconnect();
            setConfirming(false);
          }}
          onClose={() => setConfirming(false)}
        >
          <p>Sorae deletes its webhook endpoint from the account and forgets the key. Sales made from now on are not recorded until you connect again.</p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
