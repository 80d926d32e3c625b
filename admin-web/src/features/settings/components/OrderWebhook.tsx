import { useMutation, useQuery } from '@apollo/client/react';
import { useState } from 'react';
import { ConfirmDialog, CopyField, ErrorState, Spinner } from '@sorae/web-shared';
import { IntegrationsDocument, RotateOrderWebhookSecretDocument } from '../api/integrations';

/**
 * How the store reports orders and refunds: the endpoint, the two headers and the signature,
 * and rotating the signing secret (owners only; the new secret is shown once).
 */
export function OrderWebhook() {
  const { data, loading, error, refetch } = useQuery(IntegrationsDocument);
  const user = data?.currentUser;
  const merchantId = user?.merchant.id ?? '…';
  const isOwner = user?.role === 'OWNER';
  const [confirming, setConfirming] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const url = user?.merchant.orderWebhookUrl ?? '…';

  if (error) return <ErrorState error={error} onRetry={() => void refetch()} title="Could not load the webhook settings" />;
  if (loading && !user) return <Spinner />;
  return (
    <div className="stack" data-testid="order-webhook">
      <p>
        Your store sends <code>order.created</code> and <code>order.refunded</code> events to this address, with the shopper's <code>clickId</code> and{' '}
        <code>visitorId</code> from <code>sorae.js</code>. Each event is answered once; a replayed event changes nothing.
      </p>
      <div className="stack stack--tight">
        <span className="field__label">
          Endpoint (<code>POST</code>)
        </span>
        <CopyField value={url} label="Order webhook endpoint" testId="webhook-url" />
        <span className="field__label">Merchant id</span>
        <CopyField value={merchantId} label="Merchant id for the Sorae-Merchant header" testId="webhook-merchant-id" />
      </div>
      <div>
        <p className="field__label">Headers on every request</p>
        <dl className="facts" data-testid="webhook-headers">
          <dt>
            <code>Sorae-Merchant</code>
          </dt>
          <dd>
            <code>{merchantId}</code>: says whose secret signs the body.
          </dd>
          <dt>
            <code>Sorae-Signature</code>
          </dt>
          <dd>
            <code>t=&lt;unix seconds&gt;,v1=&lt;signature&gt;</code>, where the signature is the hex HMAC-SHA256, keyed with your webhook secret, of the text{' '}
            <code>&lt;t&gt;.&lt;raw request body&gt;</code>. Requests whose <code>t</code> is more than 5 minutes from our clock are refused (401), as is a
            wrong signature.
          </dd>
          <dt>
            <code>Content-Type</code>
          </dt>
          <dd>
            <code>application/json</code>
          </dd>
        </dl>
      </div>

      {secret ? (
        <div className="banner banner--warning banner--stacked" role="status" data-testid="webhook-secret">
          <p>
            <strong>Copy this secret now: it will not be shown again.</strong> The previous secret stopped working the moment this one was made, so update your
            store's configuration at once.
          </p>
          <CopyField value={secret} label="New order-webhook secret" testId="webhook-secret-field" />
          <div>
            <button type="button" className="btn btn--ghost" onClick={() => setSecret(null)} data-testid="webhook-secret-done">
              I have stored it
            </button>
          </div>
        </div>
      ) : null}

      {isOwner ? (
        <div>
          <button type="button" className="btn btn--secondary" onClick={() => setConfirming(true)} data-testid="rotate-webhook-secret">
            Rotate webhook secret…
          </button>
        </div>
      ) : (
        <p className="muted" data-testid="rotate-webhook-secret-forbidden">
          Only the merchant's owner can rotate the webhook secret.
        </p>
      )}
      {confirming ? (
        <RotateDialog
          onClose={() => setConfirming(false)}
          onRotated={(s) => {
            setSecret(s);
            setConfirming(false);
          }}
        />
      ) : null}
    </div>
  );
}

function RotateDialog({ onClose, onRotated }: { onClose: () => void; onRotated: (secret: string) => void }) {
  const [rotate, { loading }] = useMutation(RotateOrderWebhookSecretDocument);
  return (
    <ConfirmDialog
      title="Rotate the order-webhook secret?"
      testId="rotate-dialog"
      confirmLabel="Rotate secret"
      busyLabel="Rotating…"
      danger
      busy={loading}
      onConfirm={async () => {
        const { data } = await rotate();
        if (data) onRotated(data.rotateOrderWebhookSecret);
      }}
      onClose={onClose}
    >
      <p>
        A new secret replaces the current one <strong>at once</strong>: orders your store signs with the old secret are refused until it uses the new one. The
        new secret is shown only once.
      </p>
    </ConfirmDialog>
  );
}
