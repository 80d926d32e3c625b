import { NavLink, Outlet } from 'react-router';
import { useSession } from '../features/auth/components/SessionContext';
import { useSignOut } from '../features/auth/api/session';

const NAV = [
  { to: '/campaigns', label: 'Campaigns' },
  { to: '/applications', label: 'Applications' },
  { to: '/affiliates', label: 'Affiliates' },
  { to: '/commissions', label: 'Commissions' },
  { to: '/payouts', label: 'Payouts' },
  { to: '/settings', label: 'Settings' },
] as const;

export function AppLayout() {
  const user = useSession();
  const [signOut, { loading }] = useSignOut();
  return (
    <div className="shell">
      <aside className="sidebar">
        <div className="brand">
          <span className="brand__mark" aria-hidden="true">S</span>
          <span>Sorae</span>
        </div>
        <p className="sidebar__merchant" data-testid="merchant-name">
          {user.merchant.name}
        </p>
        <nav aria-label="Main">
          <ul className="nav">
            {NAV.map((item) => (
              <li key={item.to}>
                <NavLink to={item.to} className={({ isActive }) => (isActive ? 'nav__link is-active' : 'nav__link')} data-testid={`nav-${item.label.toLowerCase()}`}>
                  {item.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="sidebar__footer">
          <div className="sidebar__user" data-testid="current-user">
            <span className="sidebar__user-name">{user.name}</span>
            <span className="sidebar__user-email">{user.email}</span>
            <span className="sidebar__user-role">{user.role.toLowerCase()}</span>
          </div>
          <button type="button" className="btn btn--ghost btn--block" onClick={() => void signOut()} disabled={loading} data-testid="sign-out">
            Sign out
          </button>
        </div>
      </aside>
      <main className="content" id="main">
        <Outlet />
      </main>
    </div>
  );
}
