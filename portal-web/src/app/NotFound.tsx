import { Link } from 'react-router';
import { EmptyState } from '@sorae/web-shared';

export function NotFound() {
  return (
    <EmptyState title="Page not found" testId="not-found">
      <Link to="/applications">Go to my applications</Link>
    </EmptyState>
  );
}
