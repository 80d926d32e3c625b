import type { PayoutAccountStatus, PayoutItemStatus } from '../gql/schema';
import { Badge } from './feedback';

const ITEM: Record<PayoutItemStatus, { tone: 'info' | 'success' | 'danger'; label: string }> = {
  PENDING: { tone: 'info', label: 'Pending' },
  POSTED: { tone: 'success', label: 'Posted' },
  FAILED: { tone: 'danger', label: 'Failed' },
};

/** A payout's status: the operator's item table and the affiliate's payout history. */
export function PayoutItemStatusBadge({ status }: { status: PayoutItemStatus }) {
  const s = ITEM[status];
  return (
    <span data-testid="payout-item-status" data-status={status}>
      <Badge tone={s.tone}>{s.label}</Badge>
    </span>
  );
}

const ACCOUNT: Record<PayoutAccountStatus, { tone: 'success' | 'warning' | 'danger' | 'neutral'; label: string }> = {
  ENABLED: { tone: 'success', label: 'Ready for payouts' },
  PENDING: { tone: 'warning', label: 'Onboarding not finished' },
  RESTRICTED: { tone: 'danger', label: 'Restricted by Stripe' },
  NOT_CONNECTED: { tone: 'neutral', label: 'Not connected' },
};

/** Whether payouts can be sent to a Stripe Connect account. */
export function PayoutAccountStatusBadge({ status }: { status: PayoutAccountStatus }) {
  const s = ACCOUNT[status];
  return (
    <span data-testid="payout-account-status" data-status={status}>
      <Badge tone={s.tone}>{s.label}</Badge>
    </span>
  );
}
