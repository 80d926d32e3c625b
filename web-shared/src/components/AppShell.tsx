import type { ReactNode } from 'react';
import { NavLink, Outlet } from 'react-router';

export interface NavItem {
  to: string;
  label: string;
  testId: string;
  /** Active only on this exact path (for the home link, `/`). */
  end?: boolean;
}

/**
 * The signed-in frame of both apps: the sidebar (brand, a line under it, the main navigation,
 * who is signed in, Sign out and Sign out everywhere) and the routed page beside it.
 */
export function AppShell({
  brand,
  subtitle,
  subtitleTestId,
  nav,
  user,
  userTestId,
  onSignOut,
  onSignOutEverywhere,
  signingOut,
}: {
  brand: string;
  subtitle: ReactNode;
  subtitleTestId?: string;
  nav: readonly NavItem[];
  /** Lines describing who is signed in (name, email, role). */
  user: readonly ReactNode[];
  userTestId: string;
  onSignOut: () => void;
  /** Ends every session of the account, on every device (a lost phone, a shared computer). */
  onSignOutEverywhere: () => void;
  signingOut: boolean;
}) {
  return (
    <div className="shell">
      <aside className="sidebar">
        <div className="brand">
          <span className="brand__mark" aria-hidden="true">S</span>
          <span>{brand}</span>
        </div>
        <p className="sidebar__merchant" data-testid={subtitleTestId}>
          {subtitle}
        </p>
        <nav aria-label="Main">
          <ul className="nav">
            {nav.map((item) => (
              <li key={item.to}>
                <NavLink to={item.to} end={item.end} className={({ isActive }) => (isActive ? 'nav__link is-active' : 'nav__link')} data-testid={item.testId}>
                  {item.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="sidebar__footer">
          <div className="sidebar__user" data-testid={userTestId}>
            {user.map((line, i) => (
              <span key={i} className={USER_LINE_CLASSES[i] ?? 'sidebar__user-email'}>
                {line}
              </span>
            ))}
          </div>
          <button type="button" className="btn btn--ghost btn--block" onClick={onSignOut} disabled={signingOut} data-testid="sign-out">
            Sign out
          </button>
          <button type="button" className="btn btn--ghost btn--block" onClick={onSignOutEverywhere} disabled={signingOut} data-testid="sign-out-everywhere">
            Sign out everywhere
          </button>
        </div>
      </aside>
      <main className="content" id="main">
        <Outlet />
      </main>
    </div>
  );
}

const USER_LINE_CLASSES = ['sidebar__user-name', 'sidebar__user-email', 'sidebar__user-role'];
