import { AppShell } from '@sorae/web-shared';
import { useSignOut, useSignOutEverywhere } from '../features/auth/api/session';
import { useSession } from '../lib/session';

const NAV = [
  { to: '/overview', label: 'Overview', testId: 'nav-overview' },
  { to: '/campaigns', label: 'Campaigns', testId: 'nav-campaigns' },
  { to: '/applications', label: 'Applications', testId: 'nav-applications' },
  { to: '/affiliates', label: 'Affiliates', testId: 'nav-affiliates' },
  { to: '/commissions', label: 'Commissions', testId: 'nav-commissions' },
  { to: '/referrals', label: 'Referrals', testId: 'nav-referrals' },
  { to: '/payouts', label: 'Payouts', testId: 'nav-payouts' },
  { to: '/outbox', label: 'Outbox', testId: 'nav-outbox', ownerOnly: true },
  { to: '/settings', label: 'Settings', testId: 'nav-settings' },
] as const;

export function AppLayout() {
  const user = useSession();
  const [signOut, { loading }] = useSignOut();
  const [signOutEverywhere, everywhere] = useSignOutEverywhere();
  return (
    <AppShell
      brand="Sorae"
      subtitle={user.merchant.name}
      subtitleTestId="merchant-name"
      nav={NAV.filter((item) => !('ownerOnly' in item) || user.role === 'OWNER')}
      user={[user.name, user.email, user.role.toLowerCase()]}
      userTestId="current-user"
      onSignOut={() => void signOut()}
      onSignOutEverywhere={() => void signOutEverywhere()}
      signingOut={loading || everywhere.loading}
    />
  );
}
