import { useMutation, useQuery } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { Badge, type Column, CopyField, DataTable, describeError, errorCode, formatDateTime, FormError, type Problem, TextField } from '@sorae/web-shared';
import type { ApiKeysQuery } from '../../../gql/graphql';
import { ApiKeysDocument, CreateApiKeyDocument, RevokeApiKeyDocument } from '../api/api-keys';

type ApiKeyRow = ApiKeysQuery['apiKeys'][number];

/** API keys for integrations: created with a name, the key shown once, revocable. Owners only. */
export function ApiKeys() {
  const { data, error, loading, refetch } = useQuery(ApiKeysDocument);
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);

  if (error && errorCode(error) === 'FORBIDDEN') {
    return <p className="muted" data-testid="api-keys-forbidden">Only the merchant's owner can manage API keys.</p>;
  }

  const columns: Column<ApiKeyRow>[] = [
    { id: 'name', header: 'Name', cell: (k) => k.name, sortValue: (k) => k.name },
    { id: 'prefix', header: 'Key', cell: (k) => <code>{k.prefix}…</code> },
    { id: 'createdAt', header: 'Created', cell: (k) => formatDateTime(k.createdAt), sortValue: (k) => k.createdAt },
    {
      id: 'status',
      header: 'Status',
      cell: (k) => (k.revokedAt ? <Badge tone="danger">Revoked {formatDateTime(k.revokedAt)}</Badge> : <Badge tone="success">Active</Badge>),
      sortValue: (k) => (k.revokedAt ? 1 : 0),
    },
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
  const [problem, setProblem] = useState<Problem | null>(null);
  const [create, { loading }] = useMutation(CreateApiKeyDocument, { refetchQueries: [ApiKeysDocument], awaitRefetchQueries: true });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setProblem(null);
    try {
      const { data } = await create({ variables: { name: name.trim() } });
      if (data) {
        onCreated(data.createApiKey.apiKey.name, data.createApiKey.key);
        setName('');
      }
    } catch (err) {
      setProblem(describeError(err));
    }
  };

  const { name: nameError, ...rest } = problem?.fieldErrors ?? {};
  return (
    <form className="inline-form" onSubmit={submit} noValidate data-testid="create-api-key-form">
      <TextField label="New key name" value={name} onValueChange={setName} placeholder="Store backend" error={nameError} data-testid="api-key-name" />
      <button type="submit" className="btn btn--primary" disabled={loading || !name.trim()} data-testid="create-api-key">
        {loading ? 'Creating…' : 'Create key'}
      </button>
      <FormError message={problem && !nameError ? problem.message : null} details={rest} />
    </form>
  );
}

function RevokeButton({ apiKey }: { apiKey: ApiKeyRow }) {
  const [confirming, setConfirming] = useState(false);
  const [revoke, { loading, error }] = useMutation(RevokeApiKeyDocument);
  if (!confirming) {
    return (
      <button type="button" className="btn btn--ghost btn--danger-text" onClick={() => setConfirming(true)} data-testid="revoke-api-key" aria-label={`Revoke ${apiKey.name}`}>
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
