import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { StripeEmulator } from '@sorae/stripe-emulator';
import Stripe from 'stripe';
import type { Config } from '../../../config.js';
import type { Logger } from '../../../logger.js';

/** SDK retries for calls to a merchant's own sales account. */
const SALES_RETRIES = 2;

export interface StripeConnection {
  stripe: Stripe;
  /** The endpoint secret webhooks are verified with. */
  webhookSecret: string;
  /** The built-in emulator, when no STRIPE_SECRET_KEY is configured (in production only with STRIPE_EMULATOR=true). */
  emulator: StripeEmulator | null;
  /** The SDK for another account's key (a merchant's sales account), pointed at the same Stripe. */
  clientFor(secretKey: string): Stripe;
  close(): Promise<void>;
}

/**
 * The official SDK, pointed at `apiUrl` (host/port/protocol) when given. For the platform's
 * transfers our runner retries, never the SDK (`retries` 0); a merchant's sales account is
 * called in a request or a connect, where the SDK's own retries (429s and 5xx, backoff, the
 * same idempotency key) are what Stripe recommends.
 */
export function stripeClient(secretKey: string, timeoutMs: number, apiUrl?: string, retries = 0): Stripe {
  const target = apiUrl ? new URL(apiUrl) : null;
  return new Stripe(secretKey, {
    ...(target
      ? {
          host: target.hostname,
          port: Number(target.port || (target.protocol === 'https:' ? 443 : 80)),
          protocol: target.protocol === 'https:' ? 'https' : 'http',
        }
      : {}),
    timeout: timeoutMs,
    maxNetworkRetries: retries,
    telemetry: false,
    appInfo: { name: 'Sorae Affiliates' },
  });
}

/**
 * Stripe as configured: the real API with STRIPE_SECRET_KEY (or another endpoint with
 * STRIPE_API_URL); without a key, the built-in emulator on loopback, reached through the same
 * SDK. The emulator's webhook URL is set once the server listens (`emulator.setWebhookUrl`).
 */
export async function connectStripe(config: Config, log: Logger): Promise<StripeConnection> {
  const s = config.stripe;
  if (!s.emulator) {
    return {
      stripe: stripeClient(s.secretKey!, s.timeoutMs, s.apiUrl),
      webhookSecret: s.webhookSecret!,
      emulator: null,
      clientFor: (key) => stripeClient(key, s.timeoutMs, s.apiUrl, SALES_RETRIES),
      close: async () => {},
    };
  }
  const webhookSecret = s.webhookSecret ?? `whsec_${randomBytes(24).toString('base64url')}`;
  // Its accounts, transfers and answered idempotency keys outlive a restart, like Stripe's.
  const dataDir = join(config.dataDir, 'stripe-emulator');
  // Its own package, imported here only: a server with a Stripe key never loads it (an optional dependency).
  const { startStripeEmulator } = await import('@sorae/stripe-emulator');
  const emulator = await startStripeEmulator({ port: s.emulatorPort, host: '127.0.0.1', rate: s.emulatorRate, webhookSecret, log, dataDir });
  if (config.production) log.warn({ url: emulator.url }, 'STRIPE_EMULATOR=true: payouts go to the built-in Stripe emulator and move no money');
  else log.info({ url: emulator.url }, 'no STRIPE_SECRET_KEY: payouts use the built-in Stripe emulator');
  return {
    stripe: stripeClient(emulator.secretKey, s.timeoutMs, emulator.url),
    webhookSecret,
    emulator,
    clientFor: (key) => stripeClient(key, s.timeoutMs, emulator.url, SALES_RETRIES),
    close: () => emulator.close(),
  };
}
