import { Badge } from '@sorae/web-shared';
import type { PayoutBatchStatus } from '../../../gql/graphql';

const STATUS: Record<PayoutBatchStatus, { tone: 'neutral' | 'info' | 'success' | 'danger'; label: string }> = {
  DRAFT: { tone: 'neutral', label: 'Draft · not sent' },
  EXECUTING: { tone: 'info', label: 'Executing' },
  COMPLETED: { tone: 'success', label: 'Completed' },
  COMPLETED_WITH_FAILURES: { tone: 'danger', label: 'Completed with failures' },
};

export function BatchStatusBadge({ status }: { status: PayoutBatchStatus }) {
  const s = STATUS[status];
  return (
    <span data-testid="batch-status" data-status={status}>
      <Badge tone={s.tone}>{s.label}</Badge>
    </span>
  );
}
