import { useQuery } from '@apollo/client/react';
import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { errorCode, ErrorState, Spinner } from '@sorae/web-shared';
import { CurrentUserDocument } from '../api/session';
import { SessionContext } from '../../../lib/session';

/**
 * Asks the server who is signed in (`currentUser`). No session (UNAUTHENTICATED, or nobody)
 * sends the operator to the sign-in page and back here afterwards.
 */
export function RequireSession({ children }: { children: ReactNode }) {
  const location = useLocation();
  const { data, error, loading, refetch } = useQuery(CurrentUserDocument);
  if (loading && !data) {
    return (
      <div className="center-page">
        <Spinner label="Checking your session…" />
      </div>
    );
  }
  const code = error ? errorCode(error) : undefined;
  if (error && code !== 'UNAUTHENTICATED' && !data) {
    return (
      <div className="center-page">
        <ErrorState error={error} onRetry={() => void refetch()} title="Could not reach Sorae" />
      </div>
    );
  }
  const user = data?.currentUser;
  if (!user) {
    return <Navigate to="/sign-in" replace state={{ from: location.pathname + location.search }} />;
  }
  return <SessionContext.Provider value={user}>{children}</SessionContext.Provider>;
}
