import { useQuery } from '@apollo/client/react';
import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { errorCode, ErrorState, Spinner } from '@sorae/web-shared';
import { CurrentAffiliateDocument } from '../api/session';
import { AffiliateContext } from './AffiliateContext';

export { useAffiliate } from './AffiliateContext';

/**
 * Asks the server who is signed in (`me`). No session (UNAUTHENTICATED) sends the affiliate to
 * the sign-in page and back here afterwards. A session that ends mid-use lands here too: the
 * Apollo link asks `me` again when any request answers UNAUTHENTICATED.
 */
export function RequireAffiliate({ children }: { children: ReactNode }) {
  const location = useLocation();
  const { data, error, loading, refetch } = useQuery(CurrentAffiliateDocument);
  if (loading && !data) {
    return (
      <div className="center-page">
        <Spinner label="Checking your session…" />
      </div>
    );
  }
  const unauthenticated = error !== undefined && errorCode(error) === 'UNAUTHENTICATED';
  if (error && !unauthenticated && !data) {
    return (
      <div className="center-page">
        <ErrorState error={error} onRetry={() => void refetch()} title="Could not reach Sorae" />
      </div>
    );
  }
  const affiliate = unauthenticated ? null : data?.me.affiliate;
  if (!affiliate) return <Navigate to="/sign-in" replace state={{ from: location.pathname + location.search }} />;
  return <AffiliateContext.Provider value={affiliate}>{children}</AffiliateContext.Provider>;
}
