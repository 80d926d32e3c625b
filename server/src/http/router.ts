import type { IncomingMessage, ServerResponse } from 'node:http';

export type Params = Record<string, string>;
export type Handler = (req: IncomingMessage, res: ServerResponse, params: Params, url: URL) => unknown;

interface Route {
  method: string;
  segments: string[];
  prefix: boolean;
  handler: Handler;
}

/** A small path router: `/r/:code` segments, and prefixes (`/admin/*`) for the SPAs. */
export class Router {
  private readonly routes: Route[] = [];

  on(method: string | string[], pattern: string, handler: Handler): this {
    const prefix = pattern.endsWith('/*');
    const segments = (prefix ? pattern.slice(0, -2) : pattern).split('/').filter(Boolean);
    for (const m of [method].flat()) this.routes.push({ method: m, segments, prefix, handler });
    return this;
  }

  /** The handler for a request, or a 404/405 answer to give. */
  match(method: string, path: string): { handler: Handler; params: Params } | { status: 404 | 405 } {
    const parts = path.split('/').filter(Boolean);
    let pathMatched = false;
    for (const route of this.routes) {
      const params = matchSegments(route, parts);
      if (!params) continue;
      pathMatched = true;
      if (route.method === method || (route.method === 'GET' && method === 'HEAD')) return { handler: route.handler, params };
    }
    return { status: pathMatched ? 405 : 404 };
  }
}

function matchSegments(route: Route, parts: string[]): Params | null {
  if (route.prefix ? parts.length < route.segments.length : parts.length !== route.segments.length) return null;
  const params: Params = {};
  for (let i = 0; i < route.segments.length; i++) {
    const seg = route.segments[i]!;
    const part = parts[i]!;
    if (seg.startsWith(':')) {
      try {
        params[seg.slice(1)] = decodeURIComponent(part);
      } catch {
        return null;
      }
    } else if (seg !== part) return null;
  }
  return params;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** Reads the raw body, refusing more than `limit` bytes with 413. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw new HttpError(413, `Body larger than ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpError(413, `Body larger than ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** PostgreSQL text cannot hold NUL: input carrying one is refused at the edge, never half-written. */
export function containsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(containsNul);
  if (value !== null && typeof value === 'object') return Object.values(value).some(containsNul);
  return false;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/**
 * The caller's address. Behind a load balancer (TRUST_PROXY) it is the first X-Forwarded-For
 * entry, which the proxy sets; otherwise the socket's peer, since the header could be forged.
 */
export function clientIp(req: IncomingMessage, trustProxy = false): string {
  if (trustProxy) {
    const forwarded = req.headers['x-forwarded-for'];
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
    if (first) return first;
  }
  return req.socket.remoteAddress ?? 'unknown';
}
