import type { ServerResponse } from 'node:http';

/**
 * The SPAs' Content-Security-Policy. Vite emits only external module scripts and stylesheets
 * (no inline script or style element), React sets styles through the CSSOM (which CSP does not
 * govern), and Apollo talks to /graphql on the same origin; so nothing inline is allowed.
 */
export const SPA_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: https:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export type HeaderList = readonly (readonly [string, string])[];

/**
 * Headers fixed at start-up. `edge` goes on every response (REST edge, /graphql, the SPAs):
 * nosniff, and HSTS when the public origin is https. `spa` adds what protects a page an operator
 * or affiliate works in: the CSP, no framing (the payout buttons must not be clickjacked), no
 * full URLs leaking to other sites, no shared browsing context with pages it opens.
 */
export function securityHeaders({ hsts }: { hsts: boolean }): { edge: HeaderList; spa: HeaderList } {
  const edge: HeaderList = [['x-content-type-options', 'nosniff'], ...(hsts ? [['strict-transport-security', 'max-age=31536000'] as const] : [])];
  const spa: HeaderList = [
    ['content-security-policy', SPA_CSP],
    ['x-frame-options', 'DENY'],
    ['referrer-policy', 'same-origin'],
    ['cross-origin-opener-policy', 'same-origin'],
  ];
  return { edge, spa };
}

export function setHeaders(res: ServerResponse, headers: HeaderList): void {
  for (const [name, value] of headers) res.setHeader(name, value);
}
