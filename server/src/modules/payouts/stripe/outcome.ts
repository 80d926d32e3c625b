import Stripe from 'stripe';

/**
 * What a Stripe call's failure means for exactly-once payouts (DESIGN.md):
 * - `no_answer`: timeout, connection reset, 409 (key in flight) or 429: we do not know, or it
 *   did not execute; the same key may be sent again and Stripe answers with the saved result.
 * - `key_spent`: a 5xx, saved under the key: reconcile, then a new attempt.
 * - `definite`: a 4xx from execution (account_invalid, balance_insufficient, …): the item fails
 *   with Stripe's code and message.
 */
export type Failure = { kind: 'no_answer'; detail: string } | { kind: 'key_spent'; detail: string } | { kind: 'definite'; code: string; message: string };

export function classify(err: unknown): Failure {
  if (err instanceof Stripe.errors.StripeError) {
    const status = err.statusCode;
    if (status === undefined || err instanceof Stripe.errors.StripeConnectionError) return { kind: 'no_answer', detail: `${err.type}: ${err.message}` };
    if (status === 409 || status === 429) return { kind: 'no_answer', detail: `${status} ${err.code ?? err.type}: ${err.message}` };
    if (status >= 500) return { kind: 'key_spent', detail: `${status} ${err.code ?? err.type}: ${err.message}` };
    return { kind: 'definite', code: err.code ?? err.type, message: err.message };
  }
  // Anything else from the SDK's transport (socket errors surface as StripeConnectionError,
  // but be safe): no answer.
  return { kind: 'no_answer', detail: err instanceof Error ? err.message : String(err) };
}
