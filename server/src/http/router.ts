import type { IncomingMessage, ServerResponse } from 'node:http';

export type Params = Record<string, string>;
export type Handler = (req: IncomingMessage, res: ServerResponse, params: Params, target: RequestTarget) => unknown;

// A path of these characters (no dot segments, escapes, backslashes or leading `//`) and a query
// of these are left unchanged by WHATWG URL parsing, so they are split as they are.
const PLAIN_PATH = /^\/(?!\/)[A-Za-z0-9_\-/]*$/;
const PLAIN_QUERY = /^[A-Za-z0-9_\-.~%=&+]*$/;

/**
 * The request target a route needs: its path, its query string (`?…`, or empty) and the query's
 * parameters on demand. Plain targets, such as share links, are split without building a `URL`,
 * which the redirect's profile showed to be one of its largest costs; anything else goes
 * through WHATWG URL parsing, so both give the same path and query.
 */
export class RequestTarget {
  private params: URLSearchParams | undefined;

  constructor(
    readonly pathname: string,
    readonly search: string,
  ) {}

  get searchParams(): URLSearchParams {
    return (this.params ??= new URLSearchParams(this.search));
  }

  /** The target of a request line (`/path?query`), or null when it is not a URL path. */
  static parse(raw: string): RequestTarget | null {
    const q = raw.indexOf('?');
    const path = q < 0 ? raw : raw.slice(0, q);
    const query = q < 0 ? '' : raw.slice(q + 1);
    if (PLAIN_PATH.test(path) && PLAIN_QUERY.test(query)) return new RequestTarget(path, query ? `?${query}` : '');
    try {
      const url = new URL(raw, 'http://localhost');
      return new RequestTarget(url.pathname, url.search);
    } catch {
      return null;
    }
  }
}

interface Route {
  method: string;
  /** Per path segment: the literal it must equal, or the parameter it names (`:code` → `code`). */
  segments: ({ literal: string; param: null } | { literal: null; param: string })[];
  prefix: boolean;
  handler: Handler;
}

/** A small path router: `/r/:code` segments, and prefixes (`/admin/*`) for the SPAs. */
export class Router {
  private readonly routes: Route[] = [];

  on(method: string | string[], pattern: string, handler: Handler): this {
    const prefix = pattern.endsWith('/*');
    const segments = (prefix ? pattern.slice(0, -2) : pattern)
      .split('/')
      .filter(Boolean)
      .map((seg): Route['segments'][number] => (seg.startsWith(':') ? { literal: null, param: seg.slice(1) } : { literal: seg, param: null }));
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
  const { segments } = route;
  if (route.prefix ? parts.length < segments.length : parts.length !== segments.length) return null;
  let params: Params | null = null;
  for (let i = 0; i < segments.length; i++) {
    const { literal, param } = segments[i]!;
    const part = parts[i]!;
    if (param === null) {
      if (literal !== part) return null;
      continue;
    }
    try {
      (params ??= {})[param] = part.includes('%') ? decodeURIComponent(part) : part;
    } catch {
      return null;
    }
  }
  return params ?? {};
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details?: Record<string, unknown>,
    readonly headers?: Record<string, string>,
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

/** Deeper than any body we accept (a webhook is 3 levels, GraphQL variables a few more). */
export const MAX_JSON_DEPTH = 32;

/**
 * Why a parsed JSON body is refused before anything reads it, or null: text PostgreSQL cannot
 * hold (NUL), or nesting deeper than MAX_JSON_DEPTH. Walked with a stack of its own, not by
 * recursion: a body nested thousands of levels deep would overflow the call stack (a 500).
 */
export function jsonProblem(body: unknown): string | null {
  const pending: { value: unknown; depth: number }[] = [{ value: body, depth: 0 }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { value, depth } = next;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return 'Text must not contain NUL characters';
    } else if (value !== null && typeof value === 'object') {
      if (depth >= MAX_JSON_DEPTH) return `JSON must not be nested deeper than ${MAX_JSON_DEPTH} levels`;
      // Keys are text too (GraphQL variable names, unknown fields).
      for (const [key, child] of Object.entries(value)) {
        if (key.includes('\u0000')) return 'Text must not contain NUL characters';
        pending.push({ value: child, depth: depth + 1 });
      }
    }
  }
  return null;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/**
 * The caller's address. Each proxy appends the address it was called from to X-Forwarded-For,
 * so behind `hops` proxies of our own the client is the entry `hops` from the right (the last
 * proxy's peer being the socket); entries further left are whatever the client sent and are
 * never trusted. With fewer entries than hops, the leftmost one. 0 hops: the socket's peer.
 */
export function clientIp(req: IncomingMessage, hops = 0): string {
  const peer = req.socket.remoteAddress ?? 'unknown';
  if (hops <= 0) return peer;
  const forwarded = req.headers['x-forwarded-for'];
  const entries = (Array.isArray(forwarded) ? forwarded.join(',') : (forwarded ?? ''))
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  if (entries.length === 0) return peer;
  return entries[Math.max(0, entries.length - hops)]!;
}
