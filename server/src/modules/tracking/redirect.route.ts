import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../logger.js';
import { logInternalError } from '../../http/internal-error.js';
import { clientIp, type Handler, type RequestTarget, type Router } from '../../http/router.js';
import { uuidv7 } from '../../ids.js';
import { isBot } from './bots.js';
import { locationFor, normalizeShareCode, type ShareLink } from './share-codes.js';
import { soraeJsHandler } from './sorae-js.js';
import type { TrafficService } from './traffic.service.js';

export interface TrafficRouteDeps {
  traffic: TrafficService;
  clock: () => Date;
  cookieSecure: boolean;
  trustProxyHops: number;
  log: Logger;
}

/** The shopper-facing REST edge: share links and the merchant-site script. */
export function trafficRoutes(router: Router, deps: TrafficRouteDeps): Router {
  return router.on('GET', '/r/:code', redirectHandler(deps)).on('GET', '/sorae.js', soraeJsHandler);
}

/** Longest request target accepted (414 beyond); real share links are a few dozen bytes. */
export const MAX_URL_LENGTH = 4096;
/** Query parameters accepted on a share link (400 beyond). */
export const MAX_QUERY_PARAMS = 50;
const UTM_MAX = 200;
const UA_MAX = 512;
const REFERER_MAX = 2048;
// Only URL-safe characters: `locationFor` appends the visitor id to the Location unescaped.
const VISITOR_COOKIE = /(?:^|;)\s*sorae_vid=([A-Za-z0-9_-]{16,64})\s*(?:;|$)/;
const BAD_ESCAPE = /%(?![0-9A-Fa-f]{2})/;
const YEAR_SECONDS = 365 * 24 * 3600;

type Utm = [string, string][];

/**
 * `GET /r/:code`: 302 to the campaign's destination (its query kept, the incoming utm_*
 * parameters added, then `sorae_click` and `sorae_vid`), the click buffered in the click log.
 * A cached code answers without touching the database; malformed input is refused before the
 * cache is asked.
 */
export function redirectHandler({ traffic, clock, cookieSecure, trustProxyHops, log }: TrafficRouteDeps): Handler {
  const cookieSuffix = `; Max-Age=${YEAR_SECONDS}; Path=/; SameSite=Lax; HttpOnly${cookieSecure ? '; Secure' : ''}`;

  const follow = (req: IncomingMessage, res: ServerResponse, link: ShareLink | null, utm: Utm | null): void | Promise<void> => {
    if (!link?.active) return page(res, 404, 'This link is not active', 'The link you followed does not lead anywhere any more.');
    if (req.method === 'HEAD') {
      // Link checkers: show where the link goes without logging a click or issuing ids.
      res.writeHead(302, { location: link.destinationUrl, 'cache-control': 'no-store', 'content-length': '0' });
      res.end();
      return;
    }
    const now = clock();
    const clickId = uuidv7(now.getTime());
    const cookie = req.headers.cookie;
    // Random, not derived from the click id: a time-ordered id would tell whoever sees the
    // cookie or the landing URL when the shopper first clicked.
    const returning = cookie ? VISITOR_COOKIE.exec(cookie)?.[1] : undefined;
    const visitorId = returning || randomUUID();
    const ua = req.headers['user-agent'];
    const referer = req.headers.referer;
    const pending = traffic.recordClick({
      id: clickId,
      merchantId: link.merchantId,
      enrollmentId: link.enrollmentId,
      affiliateId: link.affiliateId,
      campaignId: link.campaignId,
      occurredAt: now,
      referer: referer ? clean(referer, REFERER_MAX) : null,
      utmSource: utm ? utmValue(utm, 'utm_source') : null,
      utmMedium: utm ? utmValue(utm, 'utm_medium') : null,
      utmCampaign: utm ? utmValue(utm, 'utm_campaign') : null,
      utmTerm: utm ? utmValue(utm, 'utm_term') : null,
      utmContent: utm ? utmValue(utm, 'utm_content') : null,
      userAgent: ua ? clean(ua, UA_MAX) : null,
      ipHash: traffic.hashIp(clientIp(req, trustProxyHops)),
      visitorId,
      isBot: isBot(ua),
      newVisitor: !returning,
    });
    const headers = {
      location: locationFor(link.target, utm, clickId, visitorId),
      'cache-control': 'no-store',
      'set-cookie': `sorae_vid=${visitorId}${cookieSuffix}`,
      'content-length': '0',
    };
    if (!pending) {
      res.writeHead(302, headers);
      res.end();
      return;
    }
    // The click buffer is full: answer once this click has a place in it.
    return pending.then(() => {
      res.writeHead(302, headers);
      res.end();
    });
  };

  return (req, res, params, target) => {
    if ((req.url?.length ?? 0) > MAX_URL_LENGTH) return page(res, 414, 'Link too long', 'This link is longer than any share link can be.');
    const code = normalizeShareCode(params.code ?? '');
    if (!code) return page(res, 404, 'Link not found', 'Check the link you followed: no share link has this code.');
    let utm: Utm | null = null;
    if (target.search.length > 1) {
      const query = readQuery(target);
      if (query === 'bad') return page(res, 400, 'Malformed link', 'The query string of this link cannot be read.');
      utm = query;
    }
    const link = traffic.findLink(code);
    if (!(link instanceof Promise)) return follow(req, res, link, utm);
    return link.then(
      (found) => follow(req, res, found, utm),
      (err: unknown) => {
        logInternalError(log, err, { path: '/r/:code' });
        page(res, 503, 'Try again in a moment', 'This link cannot be followed right now.', { 'retry-after': '5' });
      },
    );
  };
}

/** The incoming utm_* parameters (first value of each, all kept for the destination), or 'bad'. */
function readQuery(target: RequestTarget): Utm | null | 'bad' {
  const search = target.search;
  if (BAD_ESCAPE.test(search)) return 'bad';
  try {
    decodeURIComponent(search.replaceAll('+', ' '));
  } catch {
    return 'bad'; // percent-escapes that are not UTF-8
  }
  let count = 0;
  let utm: Utm | null = null;
  for (const [key, value] of target.searchParams) {
    if (++count > MAX_QUERY_PARAMS) return 'bad';
    if (!key.startsWith('utm_') || key.length > 64) continue;
    utm ??= [];
    if (!utm.some(([k]) => k === key)) utm.push([key, clean(value, UTM_MAX)]);
  }
  return utm;
}

function utmValue(utm: Utm, key: string): string | null {
  for (const [k, v] of utm) if (k === key) return v || null;
  return null;
}

/** Text the database accepts: no NUL characters, at most `max` characters. */
function clean(value: string, max: number): string {
  const text = value.includes('\0') ? value.replaceAll('\0', '') : value;
  return text.length > max ? text.slice(0, max) : text;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(res: ServerResponse, status: number, title: string, message: string, headers: Record<string, string> = {}): void {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(title)}</title><style>body{font:16px/1.5 system-ui,sans-serif;color:#222;max-width:32rem;margin:15vh auto;padding:0 1rem}h1{font-size:1.4rem}</style></head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></body></html>`;
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(html);
}
