import { createContext, useContext } from 'react';
import type { CurrentUserQuery } from '../gql/graphql';

export type SessionUser = NonNullable<CurrentUserQuery['currentUser']>;

export const SessionContext = createContext<SessionUser | null>(null);

/** The signed-in operator; only inside <RequireSession>. */
export function useSession(): SessionUser {
  const user = useContext(SessionContext);
  if (!user) throw new Error('useSession() outside <RequireSession>');
  return user;
}

/** Whether the signed-in operator sees money (amounts, earnings, payout accounts): owners and FINANCE, not REVIEWERs. */
export function useSeesMoney(): boolean {
  const { role } = useSession();
  return role === 'OWNER' || role === 'FINANCE';
}
