import { useMutation, useQuery } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import {
  Badge,
  type Column,
  ConfirmDialog,
  DataTable,
  describeError,
  formatDateTime,
  FormError,
  type Option,
  type Problem,
  SelectField,
  TextField,
} from '@sorae/web-shared';
import type { OperatorRole, OperatorsQuery } from '../../../gql/graphql';
import { useSession } from '../../../lib/session';
import {
  InviteOperatorDocument,
  OperatorsDocument,
  RemoveOperatorDocument,
  ResendInvitationDocument,
  RevokeInvitationDocument,
  SetOperatorRoleDocument,
} from '../api/team';

type Member = OperatorsQuery['operators'][number];

const ROLES: (Option & { value: OperatorRole })[] = [
  { value: 'OWNER', label: 'Owner' },
  { value: 'REVIEWER', label: 'Reviewer' },
  { value: 'FINANCE', label: 'Finance' },
];
const refetch = { refetchQueries: [OperatorsDocument], awaitRefetchQueries: true };

function status(m: Member) {
  if (!m.pending) return <Badge tone="success">Active</Badge>;
  const expires = m.invitationExpiresAt!;
  return new Date(expires) <= new Date() ? (
    <Badge tone="danger">Invitation expired {formatDateTime(expires)}</Badge>
  ) : (
    <Badge tone="warning">Invited, until {formatDateTime(expires)}</Badge>
  );
}

/** The merchant's operators and invitations: invite by email with a role, change roles, remove (owners only; one owner always stays). */
export function Team() {
  const me = useSession();
  const { data, error, loading, refetch: reload } = useQuery(OperatorsDocument);
  const [problem, setProblem] = useState<string | null>(null);
  const [removing, setRemoving] = useState<Member | null>(null);
  const [setRole] = useMutation(SetOperatorRoleDocument, refetch);
  const [resend] = useMutation(ResendInvitationDocument, refetch);
  const [remove, removal] = useMutation(RemoveOperatorDocument, refetch);
  const [revoke, revocation] = useMutation(RevokeInvitationDocument, refetch);

  const act = (action: Promise<unknown>) => {
    setProblem(null);
    action.catch((err) => setProblem(describeError(err).message));
  };

  const columns: Column<Member>[] = [
    { id: 'name', header: 'Name', cell: (m) => (m.pending ? <span className="muted">Not yet joined</span> : m.name), sortValue: (m) => m.name },
    { id: 'email', header: 'Email', cell: (m) => m.email, sortValue: (m) => m.email },
    {
      id: 'role',
      header: 'Role',
      cell: (m) => (
        <select
          className="input"
          aria-label={`Role of ${m.email}`}
          value={m.role}
          onChange={(e) => act(setRole({ variables: { id: m.id, role: e.target.value as OperatorRole } }))}
          data-testid="operator-role"
        >
          {ROLES.map((r) => (
            <option key={r.value} value={r.value}>
              {r.label}
            </option>
          ))}
        </select>
      ),
    },
    { id: 'status', header: 'Status', cell: status },
    {
      id: 'actions',
      header: '',
      align: 'end',
      cell: (m) =>
        m.pending ? (
          <span className="row-actions">
            <button type="button" className="btn btn--ghost" onClick={() => act(resend({ variables: { id: m.id } }))} data-testid="resend-invitation">
              Resend
            </button>
            <button type="button" className="btn btn--ghost btn--danger-text" onClick={() => setRemoving(m)} data-testid="revoke-invitation">
              Revoke
            </button>
          </span>
        ) : (
          <button
            type="button"
            className="btn btn--ghost btn--danger-text"
            onClick={() => setRemoving(m)}
            data-testid="remove-operator"
            aria-label={`Remove ${m.email}`}
          >
            {m.id === me.id ? 'Leave' : 'Remove'}
          </button>
        ),
    },
  ];

  return (
    <div className="stack">
      <InviteForm />
      <FormError message={problem} testId="team-error" />
      <DataTable
        label="Operators"
        columns={columns}
        rows={data?.operators}
        getRowId={(m) => m.id}
        loading={loading}
        error={error}
        onRetry={() => void reload()}
        empty="No operators."
      />
      {removing ? (
        <ConfirmDialog
          title={removing.pending ? `Revoke the invitation of ${removing.email}?` : `Remove ${removing.name}?`}
          confirmLabel={removing.pending ? 'Revoke invitation' : 'Remove'}
          busyLabel="Removing…"
          danger
          busy={removal.loading || revocation.loading}
          onConfirm={() => (removing.pending ? revoke({ variables: { id: removing.id } }) : remove({ variables: { id: removing.id } }))}
          onClose={() => setRemoving(null)}
          testId="remove-operator-dialog"
        >
          <p>
            {removing.pending
              ? 'The emailed link stops working.'
              : `${removing.email} loses access to the admin at once: every session ends. You can invite them again later.`}
          </p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}

function InviteForm() {
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<OperatorRole>('REVIEWER');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [sent, setSent] = useState<string | null>(null);
  const [invite, { loading }] = useMutation(InviteOperatorDocument, refetch);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setProblem(null);
    setSent(null);
    try {
      await invite({ variables: { email: email.trim(), role } });
      setSent(email.trim());
      setEmail('');
    } catch (err) {
      setProblem(describeError(err));
    }
  };

  const fe = problem?.fieldErrors ?? {};
  return (
    <form className="stack" onSubmit={submit} noValidate data-testid="invite-operator-form">
      <div className="inline-form">
        <TextField label="Invite by email" type="email" value={email} onValueChange={setEmail} error={fe.email} data-testid="invite-email" />
        <SelectField label="Role" options={ROLES} value={role} onValueChange={(r) => setRole(r as OperatorRole)} error={fe.role} data-testid="invite-role" />
        <button type="submit" className="btn btn--primary" disabled={loading || !email.trim()} data-testid="invite-submit">
          {loading ? 'Inviting…' : 'Invite'}
        </button>
      </div>
      <FormError message={problem && !fe.email && !fe.role ? problem.message : null} />
      {sent ? (
        <p className="muted" role="status" data-testid="invitation-sent">
          Invitation mailed to {sent}. The link works for seven days.
        </p>
      ) : null}
    </form>
  );
}
