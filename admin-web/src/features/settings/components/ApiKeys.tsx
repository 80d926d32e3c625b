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
} from '@sorae/web-shared';
import type { ApiKeyScope, ApiKeysQuery } from '../../../gql/graphql';
import { ApiKeysDocument, CreateApiKeyDocument, RevokeApiKeyDocument } from '../api/api-keys';

type ApiKeyRow = ApiKeysQuery['apiKeys'][number];

const SCOPES: { scope: ApiKeyScope; label: string; hint: string }[] = [
  { scope: 'ORDERS', label: 'Orders', hint: 'Record orders and refunds (recordOrder, recordRefund).' },
  { scope: 'READ', label: 'Read', hint: 'Read commissions, payouts and affiliates (never applicants’ answers).' },
  { scope: 'PAYOUTS', label: 'Payouts', hint: 'Finalize commissions and build and send payout batches: this key can move money.' },
];
const SCOPE_LABEL = Object.fromEntries(SCOPES.map((s) => [s.scope, s.label])) as Record<ApiKeyScope, string>;

function status(k: ApiKeyRow) {
  if (k.revokedAt) return <Badge tone="danger">Revoked {formatDateTime(k.revokedAt)}</Badge>;
  if (k.expiresAt && new Date(k.expiresAt) <= new Date()) return <Badge tone="danger">Expired {formatDateTime(k.expiresAt)}</Badge>;
  return <Badge tone="success">{k.expiresAt ? `Active until ${formatDateTime(k.expiresAt)}` : 'Active'}</Badge>;
}

/** API keys for integrations: created with a name, scopes and an optional expiry, the key shown once, revocable. Owners only. */
export function ApiKeys() {
  const { data, error, loading, refetch } = useQuery(ApiKeysDocument);
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);

  if (error && errorCode(error) === 'FORBIDDEN') {
    return (
      <p className="muted" data-testid="api-keys-forbidden">
        Only the merchant's owner can manage API keys.
      </p>
    );
  }

  const columns: Column<ApiKeyRow>[] = [
    { id: 'name', header: 'Name', cell: (k) => k.name, sortValue: (k) => k.name },
    { id: 'prefix', header: 'Key', cell: (k) => <code>{k.prefix}…</code> },
    { id: 'scopes', header: 'Scopes', cell: (k) => <span data-testid="api-key-scopes">{k.scopes.map((s) => SCOPE_LABEL[s]).join(', ')}</span> },
    { id: 'createdAt', header: 'Created', cell: (k) => formatDateTime(k.createdAt), sortValue: (k) => k.createdAt },
    {
      id: 'lastUsedAt',
      header: 'Last used',
      cell: (k) => <span data-testid="api-key-last-used">{k.lastUsedAt ? formatDateTime(k.lastUsedAt) : 'Never'}</span>,
      sortValue: (k) => k.lastUsedAt ?? '',
    },
    { id: 'status', header: 'Status', cell: status, sortValue: (k) => (k.revokedAt ? 2 : k.expiresAt ? 1 : 0) },
    { id: 'actions', header: '', cell: (k) => (k.revokedAt ? null : <RevokeButton apiKey={k} />), align: 'end' },
  ];

  return (
    <div className="stack">
      <CreateApiKeyForm onCreated={(name, key) => setCreated({ name, key })} />
      {created ? (
        <div className="banner banner--success banner--stacked" role="status" data-testid="created-api-key">
          <p>
            <strong>{created.name}</strong>: copy this key now. It will not be shown again.
          </p>
          <CopyField value={created.key} label={`API key ${created.name}`} testId="created-api-key-field" valueTestId="created-api-key-value" />
          <div>
            <button type="button" className="btn btn--ghost" onClick={() => setCreated(null)}>
              Done
            </button>
          </div>
        </div>
      ) : null}
      <DataTable
        label="API keys"
        columns={columns}
        rows={data?.apiKeys}
        getRowId={(k) => k.id}
        loading={loading}
        error={error}
        onRetry={() => void refetch()}
        empty="No API keys yet. Create one for your store's backend."
      />
    </div>
  );
}

function CreateApiKeyForm({ onCreated }: { onCreated: (name: string, key: string) => void }) {
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<ApiKeyScope[]>(['ORDERS', 'READ']);
  const [expiresOn, setExpiresOn] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [create, { loading }] = useMutation(CreateApiKeyDocument, { refetchQueries: [ApiKeysDocument], awaitRefetchQueries: true });

  const toggle = (scope: ApiKeyScope, on: boolean) => setScopes((now) => SCOPES.map((s) => s.scope).filter((s) => (s === scope ? on : now.includes(s))));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setProblem(null);
    try {
      // The key stops working at the start of the chosen day, in the owner's time zone.
      const expiresAt = expiresOn ? new Date(`${expiresOn}T00:00:00`).toISOString() : null;
      const { data } = await create({ variables: { name: name.trim(), scopes, expiresAt } });
      if (data) {
        onCreated(data.createApiKey.apiKey.name, data.createApiKey.key);
        setName('');
        setExpiresOn('');
      }
    } catch (err) {
      setProblem(describeError(err));
    }
  };

  const { name: nameError, scopes: scopesError, expiresAt: expiresError, ...rest } = problem?.fieldErrors ?? {};
  return (
    <form className="stack" onSubmit={submit} noValidate data-testid="create-api-key-form">
      <TextField label="New key name" value={name} onValueChange={setName} placeholder="Store backend" error={nameError} data-testid="api-key-name" />
      <fieldset className="fieldset" data-testid="api-key-scopes-field">
        <legend>What the key may do</legend>
        {SCOPES.map((s) => (
          <CheckboxField
            key={s.scope}
            label={s.label}
            hint={s.hint}
            checked={scopes.includes(s.scope)}
            onCheckedChange={(on) => toggle(s.scope, on)}
            data-testid={`api-key-scope-${s.scope}`}
          />
        ))}
        {scopesError ? <p className="field__error">{scopesError}</p> : null}
      </fieldset>
      <TextField
        label="Expires on (optional)"
        type="date"
        value={expiresOn}
        onValueChange={setExpiresOn}
        hint="From that day on the key is refused, like a revoked one."
        error={expiresError}
        data-testid="api-key-expires"
      />
      <div>
        <button type="submit" className="btn btn--primary" disabled={loading || !name.trim() || scopes.length === 0} data-testid="create-api-key">
          {loading ? 'Creating…' : 'Create key'}
        </button>
      </div>
      <FormError message={problem && !nameError && !scopesError && !expiresError ? problem.message : null} details={rest} />
    </form>
  );
}

function RevokeButton({ apiKey }: { apiKey: ApiKeyRow }) {
  const [confirming, setConfirming] = useState(false);
  const [revoke, { loading, error }] = useMutation(RevokeApiKeyDocument);
  if (!confirming) {
    return (
      <button
        type="button"
        className="btn btn--ghost btn--danger-text"
        onClick={() => setConfirming(true)}
        data-testid="revoke-api-key"
        aria-label={`Revoke ${apiKey.name}`}
      >
        Revoke
      </button>
    );
  }
  return (
    <span className="confirm">
      {error ? <span className="field__error">{describeError(error).message}</span> : null}
      <button
        type="button"
        className="btn btn--danger"
        disabled={loading}
        onClick={() => void revoke({ variables: { id: apiKey.id } }).catch(() => undefined)}
        data-testid="confirm-revoke-api-key"
      >
        Confirm revoke
      </button>
      <button type="button" className="btn btn--ghost" onClick={() => setConfirming(false)}>
        Cancel
      </button>
    </span>
  );
}
