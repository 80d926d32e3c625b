import { Link } from 'react-router';
import { EmptyState } from '@sorae/web-shared';

export function NotFound() {
  return (
    <EmptyState title="Page not found" testId="not-found">
      <Link to="/campaigns">Go to campaigns</Link>
    </EmptyState>
  );
}
