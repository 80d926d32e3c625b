import { Link } from 'react-router';
import { EmptyState, useDocumentTitle } from '@sorae/web-shared';

export function NotFound() {
  useDocumentTitle('Page not found');
  return (
    <EmptyState title="Page not found" testId="not-found">
      <Link to="/campaigns">Go to campaigns</Link>
    </EmptyState>
  );
}
