import { createBrowserRouter, Navigate } from 'react-router';
import { MyApplicationsRoute } from '../features/applications/routes/MyApplicationsRoute';
import { RequireAffiliate } from '../features/auth/components/RequireAffiliate';
import { SignInRoute } from '../features/auth/routes/SignInRoute';
import { AppLayout } from './AppLayout';
import { NotFound } from './NotFound';

export const BASENAME = '/portal';

// `/apply/:campaignSlug` (the public application page) is added by the applications work.
export function createRouter() {
  return createBrowserRouter(
    [
      { path: '/sign-in', element: <SignInRoute /> },
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
