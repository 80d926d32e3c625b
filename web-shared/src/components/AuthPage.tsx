import type { ReactNode } from 'react';
import { useDocumentTitle } from '../hooks/useDocumentTitle';

/** The card of the pages one reaches signed out (sign-in, forgotten password, invitations), under the app's name; names the tab. */
export function AuthPage({ app, title, description, children }: { app: string; title: string; description?: ReactNode; children: ReactNode }) {
  useDocumentTitle(title);
  return (
    <main className="auth-page">
      <div className="auth-card">
        <div className="brand brand--large">
          <span className="brand__mark" aria-hidden="true">
            S
          </span>
          <span>{app}</span>
        </div>
        <h1>{title}</h1>
        {description ? <p className="muted">{description}</p> : null}
        {children}
      </div>
    </main>
  );
}
