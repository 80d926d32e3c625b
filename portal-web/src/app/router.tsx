import { createBrowserRouter } from 'react-router';
import { MyApplicationsRoute } from '../features/applications/routes/MyApplicationsRoute';
import { ApplyRoute } from '../features/apply/routes/ApplyRoute';
import { ConfirmRoute } from '../features/apply/routes/ConfirmRoute';
import { DashboardRoute } from '../features/dashboard/routes/DashboardRoute';
import { RequireAffiliate } from '../features/auth/components/RequireAffiliate';
import { GetPaidRoute } from '../features/get-paid/routes/GetPaidRoute';
import { PayoutsRoute } from '../features/payouts/routes/PayoutsRoute';
import { SignInRoute } from '../features/auth/routes/SignInRoute';
import { ForgotPasswordRoute } from '../features/auth/routes/ForgotPasswordRoute';
import { ResetPasswordRoute } from '../features/auth/routes/ResetPasswordRoute';
import { AccountRoute } from '../features/auth/routes/AccountRoute';
import { AppLayout } from './AppLayout';
import { NotFound } from './NotFound';

export const BASENAME = '/portal';

export function createRouter() {
  return createBrowserRouter(
    [
      { path: '/sign-in', element: <SignInRoute /> },
      // Public: asking for a reset link, and the link emailed for it.
      { path: '/forgot-password', element: <ForgotPasswordRoute /> },
      { path: '/reset-password', element: <ResetPasswordRoute /> },
      // Public: anyone with the campaign's link applies here, without signing in.
      { path: '/apply/:campaignSlug', element: <ApplyRoute /> },
      // Public: the link emailed to an applicant, which records the application and signs them in.
      { path: '/confirm', element: <ConfirmRoute /> },
      {
        element: (
          <RequireAffiliate>
            <AppLayout />
          </RequireAffiliate>
        ),
        children: [
          { index: true, element: <DashboardRoute /> },
          { path: 'applications', element: <MyApplicationsRoute /> },
          { path: 'payouts', element: <PayoutsRoute /> },
          { path: 'get-paid', element: <GetPaidRoute /> },
          { path: 'account', element: <AccountRoute /> },
          { path: '*', element: <NotFound /> },
        ],
      },
    ],
    { basename: BASENAME },
  );
}
