import { useQuery } from '@apollo/client/react';
import { AppShell } from '@sorae/web-shared';
import { ProgramTermsDocument } from '../components/program-terms';
import { graphql } from '../gql';
import { useSignOut, useSignOutEverywhere } from '../features/auth/api/session';
import { useAffiliate } from '../features/auth/components/RequireAffiliate';

const NAV = [
  { to: '/', label: 'Dashboard', testId: 'nav-dashboard', end: true },
  { to: '/applications', label: 'My applications', testId: 'nav-applications' },
  { to: '/payouts', label: 'Payouts', testId: 'nav-payouts' },
  { to: '/get-paid', label: 'Get paid', testId: 'nav-get-paid' },
  { to: '/account', label: 'Account', testId: 'nav-account' },
] as const;

/** The program the affiliate applied to first: the portal wears its merchant's name and logo. */
const FirstProgramDocument = graphql(`
  query FirstProgram {
    me {
      applications {
        id
        campaign {
          id
          slug
        }
      }
    }
  }
`);

export function AppLayout() {
  const affiliate = useAffiliate();
  const [signOut, { loading }] = useSignOut();
  const [signOutEverywhere, everywhere] = useSignOutEverywhere();
  const slug = useQuery(FirstProgramDocument).data?.me.applications[0]?.campaign.slug;
  const program = useQuery(ProgramTermsDocument, { variables: { slug: slug ?? '' }, skip: !slug }).data?.publicCampaign;
  return (
    <AppShell
      brand={program?.merchantName ?? 'Partner portal'}
      logoUrl={program?.logoUrl}
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
