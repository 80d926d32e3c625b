import { createContext, useContext, type ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { useSignedInAffiliate, type SignedInAffiliate } from '../api/affiliate-store';

const AffiliateContext = createContext<SignedInAffiliate | null>(null);

/** The signed-in affiliate; only inside <RequireAffiliate>. */
export function useAffiliate(): SignedInAffiliate {
  const a = useContext(AffiliateContext);
  if (!a) throw new Error('useAffiliate() outside <RequireAffiliate>');
  return a;
}

/**
 * Nobody signed in to this tab → the sign-in page. A session that the server no longer
 * accepts (UNAUTHENTICATED on any request) also lands here: the Apollo link forgets it.
 */
export function RequireAffiliate({ children }: { children: ReactNode }) {
  const affiliate = useSignedInAffiliate();
  const location = useLocation();
  if (!affiliate) return <Navigate to="/sign-in" replace state={{ from: location.pathname + location.search }} />;
  return <AffiliateContext.Provider value={affiliate}>{children}</AffiliateContext.Provider>;
}
