import { readBody, type Router } from '../../http/router.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { MailService } from './mail.service.js';

const page = (body: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>Unsubscribe</title></head><body>${body}</body></html>`;

/**
 * The unsubscribe link of notifications. GET only shows a button (mail scanners open links), and
 * POST unsubscribes: the button's form, or a mail client's one-click (RFC 8058, List-Unsubscribe-Post).
 */
export function unsubscribeRoutes(router: Router, deps: { mail: MailService; fork: () => EntityManager; clock: () => Date }) {
  const send = (res: import('node:http').ServerResponse, status: number, html: string) => {
    res.writeHead(status, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': "default-src 'none'; form-action 'self'",
      'cache-control': 'no-store',
    });
    res.end(page(html));
  };
  router
    .on('GET', '/mail/unsubscribe/:token', (_req, res) =>
      send(
        res,
        200,
        '<p>Stop getting notifications from this affiliate program? Messages about your applications and payouts still arrive.</p><form method="post"><button type="submit">Unsubscribe</button></form>',
      ),
    )
    .on('POST', '/mail/unsubscribe/:token', async (req, res, params) => {
      await readBody(req, 4096);
      const done = await deps.mail.unsubscribe(deps.fork(), params.token ?? '', deps.clock());
      send(res, done ? 200 : 404, done ? '<p>You are unsubscribed.</p>' : '<p>This unsubscribe link is not valid.</p>');
    });
}
