import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import sirv from 'sirv';
import { setHeaders, type HeaderList } from './security-headers.js';

export interface SpaOptions {
  /** Headers every response of the app carries (security-headers.ts). */
  headers: HeaderList;
  /** Serve `*.map` files (SERVE_SOURCE_MAPS); otherwise they answer 404. */
  sourceMaps: boolean;
}

/** Vite's output under assets/ carries a content hash in its name: it never changes in place. */
const HASHED = /^\/assets\//;
const SOURCE_MAP = /\.map(\.(gz|br))?$/;
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * Serves a built SPA under a path prefix, falling back to index.html for client routes. The
 * build precompresses assets (`.br`, `.gz` beside each file: web-shared/build/vite.ts), sent
 * when the browser accepts them. Hashed assets are cached for a year; everything else, index.html
 * above all, is revalidated on every use, so a release is picked up at once.
 */
export function spaHandler(dir: string, prefix: string, { headers, sourceMaps }: SpaOptions) {
  if (!existsSync(dir)) {
    return (_req: IncomingMessage, res: ServerResponse) => {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`This app is not built (${dir} is missing): run \`npm run build\`.`);
    };
  }
  const serve = sirv(dir, {
    single: true,
    etag: true,
    dev: false,
    gzip: true,
    brotli: true,
    // A missing asset (a page of a newer release asking an older process) must not stay cached.
    onNoMatch: (_req, res) => notFound(res),
  });
  return (req: IncomingMessage, res: ServerResponse) => {
    const path = req.url!.slice(prefix.length) || '/';
    setHeaders(res, headers);
    const pathname = decoded(path.split('?', 1)[0]!);
    if (!sourceMaps && SOURCE_MAP.test(pathname)) return notFound(res);
    // Set before sirv runs so its 304 answers carry it too.
    res.setHeader('cache-control', HASHED.test(pathname) ? IMMUTABLE : 'no-cache');
    req.url = path;
    serve(req, res);
  };
}

function notFound(res: ServerResponse): void {
  res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  res.end('Not found');
}

// As sirv decodes it: `x.js%2Emap` must not reach a map.
function decoded(pathname: string): string {
  try {
    return decodeURI(pathname);
  } catch {
    return pathname;
  }
}
