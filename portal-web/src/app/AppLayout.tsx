import { AppShell } from '@sorae/web-shared';
import { useSignOut, useSignOutEverywhere } from '../features/auth/api/session';
import { useAffiliate } from '../features/auth/components/RequireAffiliate';

const NAV = [
  { to: '/', label: 'Dashboard', testId: 'nav-dashboard', end: true },
  { to: '/applications', label: 'My applications', testId: 'nav-applications' },
  { to: '/payouts', label: 'Payouts', testId: 'nav-payouts' },
  { to: '/get-paid', label: 'Get paid', testId: 'nav-get-paid' },
] as const;

export function AppLayout() {
  const affiliate = useAffiliate();
  const [signOut, { loading }] = useSignOut();
  const [signOutEverywhere, everywhere] = useSignOutEverywhere();
  return (
    <AppShell
      brand="Sorae Partners"
      subtitle="Partner portal"
      nav={NAV}
      user={[affiliate.name, affiliate.email]}
      userTestId="current-affiliate"
      onSignOut={() => void signOut()}
      onSignOutEverywhere={() => void signOutEverywhere()}
      signingOut={loading || everywhere.loading}
    />
  );
}
