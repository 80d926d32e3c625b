import { createContext, useContext } from 'react';
import type { CurrentAffiliateQuery } from '../../../gql/graphql';

export type SignedInAffiliate = CurrentAffiliateQuery['me']['affiliate'];

export const AffiliateContext = createContext<SignedInAffiliate | null>(null);

/** The signed-in affiliate; only inside <RequireAffiliate>. */
export function useAffiliate(): SignedInAffiliate {
  const a = useContext(AffiliateContext);
  if (!a) throw new Error('useAffiliate() outside <RequireAffiliate>');
  return a;
}
