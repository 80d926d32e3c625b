import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import Stripe from 'stripe';
import { DomainError } from '../../errors.js';
import { HttpError, readBody, sendJson, type Router } from '../../http/router.js';
import { isUuid } from '../../ids.js';
import type { Logger } from '../../logger.js';
import { TENANT } from '../tenancy.js';
import type { StripeSalesService } from './stripe-sales.service.js';

export const STRIPE_SALES_BODY_LIMIT = 512 * 1024;

/**
 * `POST /webhooks/stripe/sales/<merchant id>`: events of the Stripe account that merchant sells
 * through, verified with the SDK against that merchant's endpoint secret alone (401 otherwise).
 * An unknown or unconnected merchant is checked against a random secret, so the answer does not
 * tell which merchants exist. 200 once handled (or ignored); 409/503 when Stripe should retry.
 */
export function stripeSalesWebhookRoutes(router: Router, deps: { fork: () => EntityManager; sales: StripeSalesService; clock: () => Date; log: Logger }) {
  const decoy = `whsec_${randomBytes(24).toString('base64url')}`;
  router.on('POST', '/webhooks/stripe/sales/:merchantId', async (req, res, params) => {
    const raw = await readBody(req, STRIPE_SALES_BODY_LIMIT);
    const merchantId = params.merchantId ?? '';
    const em = deps.fork();
    const header = req.headers['stripe-signature'];
    // Against the cached secret first, then the stored one (a reconnection elsewhere changed it).
    const verify = async (fresh: boolean) => {
      const secret = (isUuid(merchantId) ? await deps.sales.endpointSecret(em, merchantId, fresh) : null) ?? decoy;
      return Stripe.webhooks.constructEvent(raw, (Array.isArray(header) ? header[0] : header) ?? '', secret);
    };
    let event: Stripe.Event;
    try {
      event = await verify(false).catch(() => verify(true));
    } catch (err) {
      deps.log.warn({ merchantId, err: (err as Error).message.split('\n')[0] }, 'stripe sales webhook: signature refused');
      throw new HttpError(401, 'Bad Stripe-Signature for this merchant', { code: 'BAD_SIGNATURE' });
    }
    em.setFilterParams(TENANT, { merchantId });
    try {
      sendJson(res, 200, { received: true, id: event.id, type: event.type, ...(await deps.sales.receive(em, merchantId, event, deps.clock())) });
    } catch (e) {
      if (e instanceof DomainError) {
        throw new HttpError(e.httpStatus, e.message, { code: e.code }, e.retryAfterSeconds ? { 'retry-after': String(e.retryAfterSeconds) } : undefined);
      }
      throw e;
    }
  });
}
