import { Badge, type Column, DataTable, formatDateTime, useConnectionTable } from '@sorae/web-shared';
import type { OutboxQuery } from '../../../gql/graphql';
import { OutboxDocument } from '../api/outbox';

type Message = OutboxQuery['outbox']['edges'][number]['node'];

const STATUS: Record<Message['status'], { label: string; tone: 'success' | 'warning' | 'danger' | 'info' }> = {
  SENT: { label: 'Sent', tone: 'success' },
  QUEUED: { label: 'Queued', tone: 'warning' },
  FAILED: { label: 'Refused', tone: 'danger' },
  OUTBOX: { label: 'In the outbox', tone: 'info' },
};

/** The outbox, newest first; a row opens its message. */
export function OutboxTable({ onOpen }: { onOpen: (id: string) => void }) {
  const { table } = useConnectionTable(OutboxDocument, { connection: (d) => d.outbox });
  const columns: Column<Message>[] = [
    { id: 'createdAt', header: 'Queued', cell: (m) => formatDateTime(m.createdAt), sortValue: (m) => m.createdAt },
    { id: 'to', header: 'To', cell: (m) => <span data-testid="outbox-to">{m.to}</span>, sortValue: (m) => m.to },
    {
      id: 'subject',
      header: 'Subject',
      cell: (m) => (
        <button type="button" className="link-button" onClick={() => onOpen(m.id)} data-testid="outbox-open">
          {m.subject}
        </button>
      ),
      sortValue: (m) => m.subject,
    },
    {
      id: 'status',
      header: 'Status',
      cell: (m) => (
        <span title={m.lastError ?? undefined} data-testid="outbox-status" data-status={m.status}>
          <Badge tone={STATUS[m.status].tone}>{STATUS[m.status].label}</Badge>
          {m.status === 'QUEUED' && m.attempts > 0 ? <span className="muted"> {m.attempts} tries</span> : null}
        </span>
      ),
    },
  ];
  return (
    <DataTable
      label="Outbox"
      testId="outbox"
      columns={columns}
      getRowId={(m) => m.id}
      onRowClick={(m) => onOpen(m.id)}
      empty="No email has been sent yet."
      {...table}
    />
  );
}
