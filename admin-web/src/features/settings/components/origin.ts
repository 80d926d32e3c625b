/**
 * Where the Sorae server answers: the admin is served by it under /admin, so it is this page's
 * origin (under `npm run dev` it is Vite's; the server's is PUBLIC_URL).
 */
export function serverOrigin(): string {
  return window.location.origin;
}
