import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError } from '../../errors.js';
import { HttpError, jsonProblem, readBody, type RequestTarget, type Router, sendJson } from '../../http/router.js';
import { isUuid } from '../../ids.js';
import type { Logger } from '../../logger.js';
import { TENANT } from '../tenancy.js';
import type { OrdersService } from './orders.service.js';
import { DeliveryLog, type DeliveryRecord } from './webhook-log.js';
import type { MerchantSecrets, OrderWebhookSecrets } from './webhook-secrets.js';

export const ORDER_WEBHOOK_BODY_LIMIT = 64 * 1024;
/** Signed timestamps further than this from the server clock, either way, are refused. */
export const SIGNATURE_TOLERANCE_S = 300;

/**
 * `Sorae-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`. Several v1
 * values may be given (all are tried). Returns why it is refused, or null when it verifies.
 */
export function verifySignature(header: string | undefined, rawBody: Buffer, secret: string, nowMs: number): string | null {
  if (!header) return 'missing Sorae-Signature header';
  let t: string | undefined;
  const v1: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) return 'malformed Sorae-Signature header';
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') t = value;
    else if (key === 'v1') v1.push(value);
  }
  if (!t || !/^\d{1,12}$/.test(t) || v1.length === 0) return 'malformed Sorae-Signature header';
  if (Math.abs(nowMs / 1000 - Number(t)) > SIGNATURE_TOLERANCE_S) return 'signature timestamp outside the 5-minute tolerance';
  const expected = createHmac('sha256', secret).update(`${t}.`).update(rawBody).digest();
  const ok = v1.some((sig) => {
    if (!/^[0-9a-f]{64}$/i.test(sig)) return false;
    return timingSafeEqual(Buffer.from(sig, 'hex'), expected);
  });
  return ok ? null : 'signature does not match';
}

/** The header value a store sends (tests, the benchmark and README use it). */
export function signPayload(secret: string, rawBody: string | Buffer, t = Math.floor(Date.now() / 1000)): string {
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.`).update(rawBody).digest('hex')}`;
}

/**
 * `POST /webhooks/orders`. The signature scheme carries no merchant, so the store names it in a
 * `Sorae-Merchant: <merchant id>` header (or `?merchant=<id>`; the admin's Integrations page shows
 * both); the signature is then checked against that merchant's secret alone. An unknown
 * merchant, or one without a secret, is checked against a random secret instead, so its answer
 * (401, the same body) and its work do not tell which merchant ids exist. Each delivery is
 * logged after its answer (`DeliveryLog`); `close` writes what is logged, on shutdown.
 */
export function orderWebhookRoutes(
  router: Router,
  deps: { fork: () => EntityManager; orders: OrdersService; secrets: OrderWebhookSecrets; clock: () => Date; log: Logger },
): { close(): Promise<void> } {
  const decoySecret = randomBytes(32).toString('base64url');
  const deliveries = new DeliveryLog(deps.fork, deps.log);
  const handler = async (req: IncomingMessage, res: ServerResponse, target: RequestTarget) => {
    const named = req.headers['sorae-merchant'];
    const merchantId = (Array.isArray(named) ? named[0] : named) ?? target.searchParams.get('merchant') ?? '';
    const raw = await readBody(req, ORDER_WEBHOOK_BODY_LIMIT);
    const now = deps.clock();
    const em = deps.fork();
    const stored = isUuid(merchantId) ? await deps.secrets.get(em, merchantId) : null;
    const header = req.headers['sorae-signature'];
    const signature = Array.isArray(header) ? header[0] : header;
    const verify = (s: MerchantSecrets | null) => {
      const refused = verifySignature(signature, raw, s?.secret ?? decoySecret, now.getTime());
      // The secret a rotation replaced keeps verifying for 24 hours.
      if (refused === 'signature does not match' && s?.previous && now < s.previous.expiresAt) {
        return verifySignature(signature, raw, s.previous.secret, now.getTime());
      }
      return refused;
    };
    let refused = verify(stored);
    if (refused === 'signature does not match' && stored?.cached) {
      // Perhaps rotated by another process since we cached it: check the stored secret.
      refused = verify(await deps.secrets.get(em, merchantId, Date.now(), true));
    }
    // Deliveries are logged for merchants that exist (an unknown id is answered like a bad signature, and logged nowhere).
    const log = stored ? (d: Omit<DeliveryRecord, 'merchantId' | 'receivedAt'>) => deliveries.record({ merchantId, receivedAt: now, ...d }) : null;
    let eventId: string | null = null;
    try {
      if (refused) throw new HttpError(401, `Bad signature: ${refused} (check the Sorae-Merchant header and the order-webhook secret)`);
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        throw new HttpError(400, 'Body is not valid JSON', { code: 'BAD_USER_INPUT' });
      }
      const id = (body as { id?: unknown } | null)?.id;
      if (typeof id === 'string') eventId = id.slice(0, 200);
      const problem = jsonProblem(body);
      if (problem) throw new HttpError(400, problem, { code: 'BAD_USER_INPUT' });
      em.setFilterParams(TENANT, { merchantId });
      sendJson(res, 200, await deps.orders.handleWebhook(em, merchantId, body, now));
      log?.({ eventId, status: 'ACCEPTED', httpStatus: 200, error: null });
    } catch (e) {
      const refusal =
        e instanceof DomainError
          ? new HttpError(
              e.httpStatus,
              e.message,
              { code: e.code, ...(e.fieldErrors ? { fieldErrors: e.fieldErrors } : {}) },
              e.retryAfterSeconds ? { 'retry-after': String(e.retryAfterSeconds) } : undefined,
            )
          : e;
      log?.({
        eventId,
        status: 'REFUSED',
        httpStatus: refusal instanceof HttpError ? refusal.status : 500,
        error: refusal instanceof HttpError ? refusal.message : 'Internal server error',
      });
      throw refusal;
    }
  };
  router.on('POST', '/webhooks/orders', (req, res, _params, target) => handler(req, res, target));
  return { close: () => deliveries.close() };
}
