import { createBrowserRouter, Navigate } from 'react-router';
import { MyApplicationsRoute } from '../features/applications/routes/MyApplicationsRoute';
import { ApplyRoute } from '../features/apply/routes/ApplyRoute';
import { RequireAffiliate } from '../features/auth/components/RequireAffiliate';
import { SignInRoute } from '../features/auth/routes/SignInRoute';
import { AppLayout } from './AppLayout';
import { NotFound } from './NotFound';

export const BASENAME = '/portal';

export function createRouter() {
  return createBrowserRouter(
    [
      { path: '/sign-in', element: <SignInRoute /> },
      // Public: anyone with the campaign's link applies here, without signing in.
      { path: '/apply/:campaignSlug', element: <ApplyRoute /> },
      {
        element: (
          <RequireAffiliate>
            <AppLayout />
          </RequireAffiliate>
        ),
        children: [
          { index: true, element: <Navigate to="/applications" replace /> },
          { path: 'applications', element: <MyApplicationsRoute /> },
          { path: '*', element: <NotFound /> },
        ],
      },
    ],
    { basename: BASENAME },
  );
}
