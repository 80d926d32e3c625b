import { Badge } from '@sorae/web-shared';
import type { ApplicationStatus } from '../../../gql/graphql';

const TONES: Record<ApplicationStatus, 'info' | 'success' | 'danger'> = { SUBMITTED: 'info', APPROVED: 'success', REJECTED: 'danger' };
const WORDS: Record<ApplicationStatus, string> = { SUBMITTED: 'Under review', APPROVED: 'Approved', REJECTED: 'Rejected' };

export function ApplicationStatusBadge({ status }: { status: ApplicationStatus }) {
  return (
    <span data-testid="application-status" data-status={status}>
      <Badge tone={TONES[status]}>{WORDS[status]}</Badge>
    </span>
  );
}
