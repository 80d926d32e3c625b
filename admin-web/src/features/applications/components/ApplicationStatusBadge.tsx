import { Badge } from '@sorae/web-shared';
import type { ApplicationStatus } from '../../../gql/graphql';

const TONES: Record<ApplicationStatus, 'info' | 'success' | 'danger'> = { SUBMITTED: 'info', APPROVED: 'success', REJECTED: 'danger' };

export function ApplicationStatusBadge({ status }: { status: ApplicationStatus }) {
  return (
    <span data-testid="application-status" data-status={status}>
      <Badge tone={TONES[status]}>{status.charAt(0) + status.slice(1).toLowerCase()}</Badge>
    </span>
  );
}
