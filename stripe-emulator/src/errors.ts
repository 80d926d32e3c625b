/** Stripe's error body: `{ error: { type, code, message, param } }`. */
export interface StripeErrorBody {
  type: 'invalid_request_error' | 'api_error' | 'card_error' | 'idempotency_error' | 'authentication_error' | 'rate_limit_error';
  code?: string;
  message: string;
  param?: string;
  doc_url?: string;
  request_log_url?: string;
}

/**
 * An answer that is an error. `saved` says whether Stripe would store it under the request's
 * idempotency key: only results of an endpoint that began executing are saved; failures of
 * parameter validation, auth, rate limits and key conflicts are not.
 */
export class StripeHttpError extends Error {
  constructor(
    readonly status: number,
    readonly error: StripeErrorBody,
    readonly saved: boolean,
    readonly headers: Record<string, string> = {},
  ) {
    super(error.message);
    this.name = 'StripeHttpError';
  }

  body(): { error: StripeErrorBody } {
    return { error: this.error };
  }
}

const docUrl = (code: string) => `https://stripe.com/docs/error-codes/${code.replace(/_/g, '-')}`;

/** A validation failure: never saved under an idempotency key. */
export function invalidParam(code: string, message: string, param?: string): StripeHttpError {
  return new StripeHttpError(400, { type: 'invalid_request_error', code, message, param, doc_url: docUrl(code) }, false);
}

export const missingParam = (param: string) => invalidParam('parameter_missing', `Missing required param: ${param}.`, param);
export const unknownParam = (param: string) => invalidParam('parameter_unknown', `Received unknown parameter: ${param}`, param);

/** `No such transfer: 'tr_x'` on the URL's resource: 404, not saved (nothing executed). */
export function noSuchResource(kind: string, id: string, param = 'id'): StripeHttpError {
  return new StripeHttpError(
    404,
    { type: 'invalid_request_error', code: 'resource_missing', message: `No such ${kind}: '${id}'`, param, doc_url: docUrl('resource_missing') },
    false,
  );
}

/** A business failure of an executed request (saved under the idempotency key). */
export function executionError(code: string, message: string, param?: string, type: StripeErrorBody['type'] = 'invalid_request_error'): StripeHttpError {
  const status = type === 'card_error' ? 402 : 400;
  return new StripeHttpError(status, { type, code, message, param, doc_url: docUrl(code) }, true);
}

export function apiError(): StripeHttpError {
  return new StripeHttpError(
    500,
    { type: 'api_error', message: 'An unknown error occurred' },
    true,
    // Stripe tells clients a replayed 500 is final for its key: retrying it is a no-op.
    { 'stripe-should-retry': 'false' },
  );
}

/** Realistic messages for codes tests and faults use most. */
export function messageForCode(code: string, context: { destination?: string; keyHint?: string }): { message: string; param?: string } {
  switch (code) {
    case 'account_invalid':
      return {
        message: `The provided key '${context.keyHint ?? 'sk_test_****'}' does not have access to account '${context.destination ?? 'acct_unknown'}' (or that account does not exist). Application access may have been revoked.`,
        param: 'destination',
      };
    case 'balance_insufficient':
      return {
        message:
          'You have insufficient available funds in your Stripe account. Try adding funds directly to your available balance by creating Charges using the 4000000000000077 test card. See: https://stripe.com/docs/testing#available-balance',
      };
    case 'insufficient_capabilities_for_transfer':
      return {
        message: 'Your destination account needs to have at least one of the following capabilities enabled: transfers, crypto_transfers, legacy_payments',
        param: 'destination',
      };
    case 'transfers_not_allowed':
      return { message: 'The requested transfer cannot be created. Contact us at https://support.stripe.com/contact if you need help.' };
    default:
      return { message: `The request could not be completed (${code}).` };
  }
}

/** Hides the middle of a key like Stripe does in its messages. */
export const keyHint = (key: string) => (key.length > 12 ? `${key.slice(0, 8)}****${key.slice(-4)}` : 'sk_test_****');

/** Stripe's 429: never saved under an idempotency key (the request did not execute). */
export const rateLimited = () =>
  new StripeHttpError(
    429,
    {
      type: 'invalid_request_error',
      code: 'rate_limit',
      message: 'Too many requests hit the API too quickly. We recommend an exponential backoff of your requests.',
      doc_url: 'https://stripe.com/docs/error-codes/rate-limit',
    },
    false,
  );
