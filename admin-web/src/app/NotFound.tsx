import { Link } from 'react-router';
import { EmptyState } from '../components/feedback';

export function NotFound() {
  return (
    <EmptyState title="Page not found" testId="not-found">
      <Link to="/campaigns">Go to campaigns</Link>
    </EmptyState>
  );
}
