import type { IncomingMessage } from 'node:http';

export const SESSION_COOKIES = { operator: 'sorae_operator', affiliate: 'sorae_affiliate' } as const;
/** Known-device cookies of the sign-ins (modules/auth/device-cookies.ts), sent only to /graphql. */
export const DEVICE_COOKIES = { operator: 'sorae_operator_device', affiliate: 'sorae_affiliate_device' } as const;

export function parseCookies(req: IncomingMessage): Map<string, string> {
  const out = new Map<string, string>();
  const header = req.headers.cookie;
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    try {
      out.set(name, decodeURIComponent(part.slice(eq + 1).trim()));
    } catch {
      /* a malformed cookie is ignored, not an error */
    }
  }
  return out;
}

export function serializeCookie(
  name: string,
  value: string,
  opts: { maxAgeSeconds: number; httpOnly?: boolean; secure?: boolean; path?: string; sameSite?: 'Lax' | 'Strict' },
): string {
  const parts = [`${name}=${encodeURIComponent(value)}`, `Path=${opts.path ?? '/'}`, `Max-Age=${opts.maxAgeSeconds}`, `SameSite=${opts.sameSite ?? 'Lax'}`];
  if (opts.httpOnly !== false) parts.push('HttpOnly');
  if (opts.secure) parts.push('Secure');
  return parts.join('; ');
}
