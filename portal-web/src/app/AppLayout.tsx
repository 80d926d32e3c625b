import { NavLink, Outlet } from 'react-router';
import { useSignOut } from '../features/auth/api/session';
import { useAffiliate } from '../features/auth/components/RequireAffiliate';

const NAV = [{ to: '/applications', label: 'My applications', testId: 'nav-applications' }] as const;

export function AppLayout() {
  const affiliate = useAffiliate();
  const [signOut, { loading }] = useSignOut();
  return (
    <div className="shell">
      <aside className="sidebar">
        <div className="brand">
          <span className="brand__mark" aria-hidden="true">S</span>
          <span>Sorae Partners</span>
        </div>
        <p className="sidebar__merchant">Partner portal</p>
        <nav aria-label="Main">
          <ul className="nav">
            {NAV.map((item) => (
              <li key={item.to}>
                <NavLink to={item.to} className={({ isActive }) => (isActive ? 'nav__link is-active' : 'nav__link')} data-testid={item.testId}>
                  {item.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="sidebar__footer">
          <div className="sidebar__user" data-testid="current-affiliate">
            <span className="sidebar__user-name">{affiliate.name}</span>
            <span className="sidebar__user-email">{affiliate.email}</span>
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
