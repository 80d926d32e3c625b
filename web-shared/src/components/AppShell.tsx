import { useId, useState, type ReactNode } from 'react';
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
 * who is signed in, Sign out and Sign out everywhere) and the routed page beside it. On a narrow
 * screen the sidebar is a bar above the page and its contents open from a Menu button.
 */
export function AppShell({
  brand,
  logoUrl,
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
  /** The merchant's logo (https), in place of the Sorae mark. */
  logoUrl?: string | null;
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
  const [menuOpen, setMenuOpen] = useState(false);
  const menuId = useId();
  return (
    <div className="shell">
      <aside className={menuOpen ? 'sidebar is-open' : 'sidebar'}>
        <div className="sidebar__top">
          <Brand name={brand} logoUrl={logoUrl} />
          <button
            type="button"
            className="btn btn--ghost menu-button"
            aria-expanded={menuOpen}
            aria-controls={menuId}
            onClick={() => setMenuOpen((open) => !open)}
            data-testid="menu-button"
          >
            {menuOpen ? 'Close' : 'Menu'}
          </button>
        </div>
        <div className="sidebar__menu" id={menuId}>
          <p className="sidebar__merchant" data-testid={subtitleTestId}>
            {subtitle}
          </p>
          <nav aria-label="Main">
            <ul className="nav">
              {nav.map((item) => (
                <li key={item.to}>
                  <NavLink
                    to={item.to}
                    end={item.end}
                    className={({ isActive }) => (isActive ? 'nav__link is-active' : 'nav__link')}
                    onClick={() => setMenuOpen(false)}
                    data-testid={item.testId}
                  >
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
        </div>
      </aside>
      <main className="content" id="main">
        <Outlet />
      </main>
    </div>
  );
}

/** The name a program is offered under, with its logo when it has one. */
export function Brand({ name, logoUrl, large }: { name: string; logoUrl?: string | null; large?: boolean }) {
  return (
    <div className={large ? 'brand brand--large' : 'brand'} data-testid="brand">
      {logoUrl ? (
        <img className="brand__logo" src={logoUrl} alt="" referrerPolicy="no-referrer" data-testid="brand-logo" />
      ) : (
        <span className="brand__mark" aria-hidden="true">
          {name.trim().charAt(0).toUpperCase() || 'S'}
        </span>
      )}
      <span className="brand__name">{name}</span>
    </div>
  );
}

const USER_LINE_CLASSES = ['sidebar__user-name', 'sidebar__user-email', 'sidebar__user-role'];
