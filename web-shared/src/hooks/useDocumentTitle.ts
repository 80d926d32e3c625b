import { useEffect } from 'react';

/** The app's own name, as index.html's <title> gives it ("Sorae Admin"), read once at start. */
const APP_TITLE = typeof document === 'undefined' ? '' : document.title;

/** Names the browser tab after the page ("Payouts · Sorae Admin"), so tabs and history tell pages apart. */
export function useDocumentTitle(title: string | null | undefined): void {
  useEffect(() => {
    if (!title) return;
    document.title = APP_TITLE ? `${title} · ${APP_TITLE}` : title;
  }, [title]);
}
