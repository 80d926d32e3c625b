import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import sirv from 'sirv';

/** Serves a built SPA under a path prefix, falling back to index.html for client routes. */
export function spaHandler(dir: string, prefix: string) {
  if (!existsSync(dir)) {
    return (_req: IncomingMessage, res: ServerResponse) => {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`This app is not built (${dir} is missing): run \`npm run build\`.`);
    };
  }
  const serve = sirv(dir, { single: true, etag: true, dev: false, immutable: false });
  return (req: IncomingMessage, res: ServerResponse) => {
    req.url = req.url!.slice(prefix.length) || '/';
    serve(req, res);
  };
}
