import { Badge } from '@sorae/web-shared';
import type { CampaignStatus } from '../../../gql/graphql';

const TONES: Record<CampaignStatus, 'success' | 'warning' | 'neutral'> = { ACTIVE: 'success', PAUSED: 'warning', ARCHIVED: 'neutral' };

export function StatusBadge({ status }: { status: CampaignStatus }) {
  return (
    <span data-testid="campaign-status-badge">
      <Badge tone={TONES[status]}>{status.charAt(0) + status.slice(1).toLowerCase()}</Badge>
    </span>
  );
}
