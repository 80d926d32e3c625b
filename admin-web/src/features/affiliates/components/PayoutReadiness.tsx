import { Badge } from '@sorae/web-shared';
import type { PayoutAccountStatus } from '../../../gql/graphql';

const READINESS: Record<PayoutAccountStatus, { tone: 'success' | 'warning' | 'danger' | 'neutral'; label: string }> = {
  ENABLED: { tone: 'success', label: 'Ready for payouts' },
  PENDING: { tone: 'warning', label: 'Onboarding' },
  RESTRICTED: { tone: 'danger', label: 'Restricted' },
  NOT_CONNECTED: { tone: 'neutral', label: 'No payout account' },
};

/** Whether payouts can be sent to the affiliate's Stripe account. */
export function PayoutReadiness({ status }: { status: PayoutAccountStatus }) {
  const r = READINESS[status];
  return (
    <span data-testid="payout-readiness" data-status={status}>
      <Badge tone={r.tone}>{r.label}</Badge>
    </span>
  );
}
