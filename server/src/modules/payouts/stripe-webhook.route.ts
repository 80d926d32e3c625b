import type Stripe from 'stripe';
import { HttpError, readBody, sendJson, type Router } from '../../http/router.js';
import type { Logger } from '../../logger.js';
import type { PayoutsService } from './payouts.service.js';

export const STRIPE_WEBHOOK_BODY_LIMIT = 512 * 1024;

/**
 * `POST /webhooks/stripe`: the signature is checked with the SDK over the raw body (400 when
 * it does not verify: a forged or altered event); events are handled once per event id, and
 * types we do not use are acknowledged with 200 so Stripe stops sending them.
 */
export function stripeWebhookRoutes(router: Router, deps: { payouts: PayoutsService; stripe: Stripe; webhookSecret: string; log: Logger }) {
  router.on('POST', '/webhooks/stripe', async (req, res) => {
    const raw = await readBody(req, STRIPE_WEBHOOK_BODY_LIMIT);
    const header = req.headers['stripe-signature'];
    const signature = (Array.isArray(header) ? header[0] : header) ?? '';
    let event: Stripe.Event;
    try {
      event = deps.stripe.webhooks.constructEvent(raw, signature, deps.webhookSecret);
    } catch (err) {
      deps.log.warn({ err: (err as Error).message }, 'stripe webhook: signature refused');
      throw new HttpError(400, `Bad Stripe-Signature: ${(err as Error).message.split('\n')[0]}`, { code: 'BAD_SIGNATURE' });
    }
    const outcome = await deps.payouts.stripeEvents.handle(event);
    sendJson(res, 200, { received: true, id: event.id, type: event.type, outcome });
  });
}
