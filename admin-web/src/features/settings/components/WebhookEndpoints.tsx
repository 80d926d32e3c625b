import { useMutation, useQuery } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import {
  Badge,
  CheckboxField,
  type Column,
  CopyField,
  DataTable,
  describeError,
  errorCode,
  formatDateTime,
  FormError,
  type Problem,
  TextField,
  useConnectionTable,
} from '@sorae/web-shared';
import type { WebhookDeliveriesQuery, WebhookEndpointsQuery } from '../../../gql/graphql';
import {
  CreateWebhookEndpointDocument,
  DeleteWebhookEndpointDocument,
  RedeliverWebhookDocument,
  WebhookDeliveriesDocument,
  WebhookEndpointsDocument,
} from '../api/webhooks';

type Endpoint = WebhookEndpointsQuery['webhookEndpoints'][number];
type Delivery = WebhookDeliveriesQuery['webhookDeliveries']['edges'][number]['node'];

function endpointStatus(e: Endpoint) {
  if (e.disabledAt) return <Badge tone="danger">Disabled {formatDateTime(e.disabledAt)}</Badge>;
  if (e.failingSince) return <Badge tone="warning">Failing since {formatDateTime(e.failingSince)}</Badge>;
  return <Badge tone="success">Active</Badge>;
}

/** Outgoing webhooks: endpoints with their events, the signing secret shown once, and each endpoint's delivery log. Owners only. */
export function WebhookEndpoints() {
  const { data, error, loading, refetch } = useQuery(WebhookEndpointsDocument);
  const [created, setCreated] = useState<{ url: string; secret: string } | null>(null);
  const [open, setOpen] = useState<string | null>(null);

  if (error && errorCode(error) === 'FORBIDDEN') {
    return <p className="muted">Only the merchant's owner can manage webhook endpoints.</p>;
  }
  const columns: Column<Endpoint>[] = [
    { id: 'url', header: 'URL', cell: (e) => <code data-testid="webhook-endpoint-url">{e.url}</code>, sortValue: (e) => e.url },
    { id: 'events', header: 'Events', cell: (e) => e.events.join(', ') },
    { id: 'status', header: 'Status', cell: endpointStatus },
    {
      id: 'actions',
      header: '',
      align: 'end',
      cell: (e) => (
        <span className="confirm">
          <button type="button" className="btn btn--ghost" onClick={() => setOpen(open === e.id ? null : e.id)} data-testid="webhook-show-log">
            {open === e.id ? 'Hide log' : 'Delivery log'}
          </button>
          <DeleteButton endpoint={e} onDeleted={() => open === e.id && setOpen(null)} />
        </span>
      ),
    },
  ];
  return (
    <div className="stack" data-testid="webhook-endpoints">
      <CreateEndpointForm eventTypes={data?.webhookEventTypes ?? []} onCreated={setCreated} />
      {created ? (
        <div className="banner banner--success banner--stacked" role="status" data-testid="created-webhook-endpoint">
          <p>
            Signing secret for <code>{created.url}</code>: copy it now. It will not be shown again.
          </p>
          <CopyField value={created.secret} label="Webhook signing secret" testId="webhook-secret-field" valueTestId="webhook-secret-value" />
          <div>
            <button type="button" className="btn btn--ghost" onClick={() => setCreated(null)}>
              Done
            </button>
          </div>
        </div>
      ) : null}
      <DataTable
        label="Webhook endpoints"
        testId="webhook-endpoint-table"
        columns={columns}
        rows={data?.webhookEndpoints}
        getRowId={(e) => e.id}
        loading={loading}
        error={error}
        onRetry={() => void refetch()}
        empty="No endpoints yet."
      />
      {open ? <DeliveryLog endpointId={open} url={data?.webhookEndpoints.find((e) => e.id === open)?.url ?? ''} /> : null}
    </div>
  );
}

function CreateEndpointForm({ eventTypes, onCreated }: { eventTypes: readonly string[]; onCreated: (c: { url: string; secret: string }) => void }) {
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<string[]>([]);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [create, { loading }] = useMutation(CreateWebhookEndpointDocument, { refetchQueries: [WebhookEndpointsDocument], awaitRefetchQueries: true });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setProblem(null);
    try {
      const { data } = await create({ variables: { input: { url: url.trim(), events } } });
      if (data) {
        onCreated({ url: data.createWebhookEndpoint.endpoint.url, secret: data.createWebhookEndpoint.secret });
        setUrl('');
        setEvents([]);
      }
    } catch (err) {
      setProblem(describeError(err));
    }
  };
  const { url: urlError, events: eventsError, ...rest } = problem?.fieldErrors ?? {};
  return (
    <form className="stack" onSubmit={submit} noValidate data-testid="create-webhook-form">
      <TextField
        label="Endpoint URL"
        value={url}
        onValueChange={setUrl}
        placeholder="https://example.com/sorae-webhooks"
        error={urlError}
        data-testid="webhook-url-input"
      />
      <fieldset className="fieldset">
        <legend>Events</legend>
        {eventTypes.map((type) => (
          <CheckboxField
            key={type}
            label={type}
            checked={events.includes(type)}
            onCheckedChange={(on) => setEvents((now) => eventTypes.filter((t) => (t === type ? on : now.includes(t))))}
            data-testid={`webhook-event-${type}`}
          />
        ))}
        {eventsError ? <p className="field__error">{eventsError}</p> : null}
      </fieldset>
      <div>
        <button type="submit" className="btn btn--primary" disabled={loading || !url.trim() || events.length === 0} data-testid="create-webhook">
          {loading ? 'Adding…' : 'Add endpoint'}
        </button>
      </div>
      <FormError message={problem && !urlError && !eventsError ? problem.message : null} details={rest} />
    </form>
  );
}

function DeleteButton({ endpoint, onDeleted }: { endpoint: Endpoint; onDeleted: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const [remove, { loading, error }] = useMutation(DeleteWebhookEndpointDocument, { refetchQueries: [WebhookEndpointsDocument] });
  if (!confirming) {
    return (
      <button
        type="button"
        className="btn btn--ghost btn--danger-text"
        onClick={() => setConfirming(true)}
        aria-label={`Delete ${endpoint.url}`}
        data-testid="delete-webhook"
      >
        Delete
      </button>
    );
  }
  return (
    <>
      {error ? <span className="field__error">{describeError(error).message}</span> : null}
      <button
        type="button"
        className="btn btn--danger"
        disabled={loading}
        onClick={() =>
          void remove({ variables: { id: endpoint.id } })
            .then(onDeleted)
            .catch(() => undefined)
        }
        data-testid="confirm-delete-webhook"
      >
        Confirm delete
      </button>
      <button type="button" className="btn btn--ghost" onClick={() => setConfirming(false)}>
        Cancel
      </button>
    </>
  );
}

const DELIVERY_STATUS: Record<Delivery['status'], { label: string; tone: 'success' | 'warning' | 'danger' }> = {
  SUCCEEDED: { label: 'Delivered', tone: 'success' },
  PENDING: { label: 'Retrying', tone: 'warning' },
  FAILED: { label: 'Failed', tone: 'danger' },
};

const attemptText = (a: Delivery['attemptLog'][number]) => `${formatDateTime(a.attemptedAt)}: ${a.responseStatus ?? a.error ?? 'no answer'}`;

/** One endpoint's deliveries, newest first, each with its attempts; refreshed every few seconds while open. */
function DeliveryLog({ endpointId, url }: { endpointId: string; url: string }) {
  const { table } = useConnectionTable(WebhookDeliveriesDocument, {
    connection: (d) => d.webhookDeliveries,
    variables: { endpointId },
    pollInterval: 2000,
  });
  const [redeliver] = useMutation(RedeliverWebhookDocument);
  const columns: Column<Delivery>[] = [
    { id: 'createdAt', header: 'Event', cell: (d) => `${d.eventType} · ${formatDateTime(d.createdAt)}` },
    {
      id: 'status',
      header: 'Status',
      cell: (d) => (
        <span data-testid="webhook-delivery-status" data-status={d.status}>
          <Badge tone={DELIVERY_STATUS[d.status].tone}>{DELIVERY_STATUS[d.status].label}</Badge>
          {d.status === 'PENDING' && d.nextAttemptAt ? <span className="muted"> next {formatDateTime(d.nextAttemptAt)}</span> : null}
        </span>
      ),
    },
    {
      id: 'attempts',
      header: 'Attempts',
      cell: (d) => (
        <ol className="attempt-log" data-testid="webhook-attempts" data-count={d.attempts}>
          {d.attemptLog.map((a) => (
            <li key={a.id} data-testid="webhook-attempt" data-status={a.responseStatus ?? 'none'}>
              {attemptText(a)}
            </li>
          ))}
        </ol>
      ),
    },
    {
      id: 'actions',
      header: '',
      align: 'end',
      cell: (d) => (
        <button
          type="button"
          className="btn btn--ghost"
          onClick={() => void redeliver({ variables: { deliveryId: d.id } }).catch(() => undefined)}
          data-testid="redeliver-webhook"
        >
          Redeliver
        </button>
      ),
    },
  ];
  return (
    <section className="stack" aria-label={`Deliveries to ${url}`} data-testid="webhook-delivery-log">
      <h4>Deliveries to {url}</h4>
      <DataTable label="Webhook deliveries" columns={columns} getRowId={(d) => d.id} empty="Nothing sent to this endpoint yet." {...table} />
    </section>
  );
}
