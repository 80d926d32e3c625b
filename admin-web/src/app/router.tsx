import { createBrowserRouter, Navigate } from 'react-router';
import { RequireSession } from '../features/auth/components/RequireSession';
import { SignInRoute } from '../features/auth/routes/SignInRoute';
import { ForgotPasswordRoute } from '../features/auth/routes/ForgotPasswordRoute';
import { ResetPasswordRoute } from '../features/auth/routes/ResetPasswordRoute';
import { AcceptInvitationRoute } from '../features/auth/routes/AcceptInvitationRoute';
import { CampaignsRoute } from '../features/campaigns/routes/CampaignsRoute';
import { NewCampaignRoute } from '../features/campaigns/routes/NewCampaignRoute';
import { CampaignRoute } from '../features/campaigns/routes/CampaignRoute';
import { ApplicationsRoute } from '../features/applications/routes/ApplicationsRoute';
import { AffiliateRoute } from '../features/affiliates/routes/AffiliateRoute';
import { AffiliatesRoute } from '../features/affiliates/routes/AffiliatesRoute';
import { CommissionsRoute } from '../features/commissions/routes/CommissionsRoute';
import { ReferralsRoute } from '../features/referrals/routes/ReferralsRoute';
import { PayoutBatchRoute } from '../features/payouts/routes/PayoutBatchRoute';
import { PayoutsRoute } from '../features/payouts/routes/PayoutsRoute';
import { SettingsRoute } from '../features/settings/routes/SettingsRoute';
import { WebhooksRoute } from '../features/settings/routes/WebhooksRoute';
import { OutboxRoute } from '../features/outbox/routes/OutboxRoute';
import { OverviewRoute } from '../features/overview/routes/OverviewRoute';
import { AppLayout } from './AppLayout';
import { NotFound } from './NotFound';

export const BASENAME = '/admin';

export function createRouter() {
  return createBrowserRouter(
    [
      { path: '/sign-in', element: <SignInRoute /> },
      // Public: asking for a reset link, and the links emailed for a reset and an invitation.
      { path: '/forgot-password', element: <ForgotPasswordRoute /> },
      { path: '/reset-password', element: <ResetPasswordRoute /> },
      { path: '/accept-invitation', element: <AcceptInvitationRoute /> },
      {
        element: (
          <RequireSession>
            <AppLayout />
          </RequireSession>
        ),
        children: [
          { index: true, element: <Navigate to="/overview" replace /> },
          { path: 'overview', element: <OverviewRoute /> },
          { path: 'campaigns', element: <CampaignsRoute /> },
          { path: 'campaigns/new', element: <NewCampaignRoute /> },
          { path: 'campaigns/:campaignId', element: <CampaignRoute /> },
          { path: 'applications', element: <ApplicationsRoute /> },
          { path: 'affiliates', element: <AffiliatesRoute /> },
          { path: 'affiliates/:affiliateId', element: <AffiliateRoute /> },
          { path: 'commissions', element: <CommissionsRoute /> },
          { path: 'referrals', element: <ReferralsRoute /> },
          { path: 'payouts', element: <PayoutsRoute /> },
          { path: 'payouts/:batchId', element: <PayoutBatchRoute /> },
          { path: 'outbox', element: <OutboxRoute /> },
          { path: 'settings', element: <SettingsRoute /> },
          { path: 'settings/webhooks', element: <WebhooksRoute /> },
          { path: '*', element: <NotFound /> },
        ],
      },
    ],
    { basename: BASENAME },
  );
}
