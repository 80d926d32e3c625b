import { Badge, type Column, DataTable, formatDateTime, useConnectionTable } from '@sorae/web-shared';
import type { OrderWebhookDeliveriesQuery } from '../../../gql/graphql';
import { OrderWebhookDeliveriesDocument } from '../api/webhooks';

type Received = OrderWebhookDeliveriesQuery['orderWebhookDeliveries']['edges'][number]['node'];

/** The order webhooks the store sent, newest first: accepted, or refused with what the store was told. */
export function OrderWebhookLog() {
  const { table } = useConnectionTable(OrderWebhookDeliveriesDocument, { connection: (d) => d.orderWebhookDeliveries });
  const columns: Column<Received>[] = [
    { id: 'receivedAt', header: 'Received', cell: (r) => formatDateTime(r.receivedAt) },
    { id: 'eventId', header: 'Event', cell: (r) => (r.eventId ? <code>{r.eventId}</code> : '—') },
    {
      id: 'status',
      header: 'Answer',
      cell: (r) => (
        <span data-testid="order-webhook-log-status" data-status={r.status}>
          <Badge tone={r.status === 'ACCEPTED' ? 'success' : 'danger'}>{r.httpStatus}</Badge>
        </span>
      ),
    },
    { id: 'error', header: 'Reason', cell: (r) => r.error ?? '' },
  ];
  return (
    <DataTable
      label="Order webhooks received"
      testId="order-webhook-log"
      columns={columns}
      getRowId={(r) => r.id}
      empty="No order webhook received yet."
      {...table}
    />
  );
}
