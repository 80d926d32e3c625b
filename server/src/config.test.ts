import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

const refusal = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
};

describe('configuration', () => {
  it('has working defaults for npm start, payouts included', () => {
    const c = loadConfig({});
    expect(c.payouts).toMatchObject({ ratePerSecond: 25, concurrency: 8, retryBaseMs: 500, retryMaxMs: 30_000 });
    expect(c.production).toBe(false);
  });

  it('refuses bad values with every problem named at once', () => {
    const message = refusal({ PAYOUT_RATE_PER_SECOND: '0', PAYOUT_RETRY_MAX_MS: 'soon', PORT: '70000' });
    expect(message).toMatch(/^Invalid configuration:/);
    expect(message).toMatch(/PAYOUT_RATE_PER_SECOND: /);
    expect(message).toMatch(/PAYOUT_RETRY_MAX_MS: /);
    expect(message).toMatch(/PORT: /);
  });

  it('TRUST_PROXY counts proxies: true is one, false none, anything else is refused', () => {
    expect(loadConfig({}).trustProxyHops).toBe(0);
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxyHops).toBe(1);
    expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxyHops).toBe(0);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxyHops).toBe(2);
    expect(refusal({ TRUST_PROXY: 'yes' })).toMatch(/TRUST_PROXY: must be true, false or a number of proxies/);
  });

  it('the first owner password has at least 12 characters; the demo one too', () => {
    expect(refusal({ ADMIN_EMAIL: 'o@example.test', ADMIN_PASSWORD: 'sorae-demo' })).toMatch(/ADMIN_PASSWORD: must be at least 12 characters/);
    expect(loadConfig({}).admin).toMatchObject({ email: 'admin@sorae.local', password: 'sorae-demo', demoPassword: true });
    expect(loadConfig({ ADMIN_PASSWORD: 'a-long-enough-password' }).admin.demoPassword).toBe(false);
  });

  it('refuses a backoff cap below its first wait', () => {
    expect(refusal({ PAYOUT_RETRY_BASE_MS: '1000', PAYOUT_RETRY_MAX_MS: '500' })).toMatch(/PAYOUT_RETRY_MAX_MS: must be at least PAYOUT_RETRY_BASE_MS/);
    expect(loadConfig({ PAYOUT_RETRY_BASE_MS: '1000', PAYOUT_RETRY_MAX_MS: '1000' }).payouts.retryMaxMs).toBe(1000);
  });

  it('in production, asks for what has no safe default', () => {
    const message = refusal({ NODE_ENV: 'production', STRIPE_SECRET_KEY: 'sk_live_x' });
    expect(message).toMatch(/DATABASE_URL: is required in production/);
    expect(message).toMatch(/CLICK_IP_SECRET: is required in production/);
    expect(message).toMatch(/STRIPE_WEBHOOK_SECRET: is required with STRIPE_SECRET_KEY/);
    expect(message).toMatch(/PUBLIC_URL: is required in production/);
    expect(message).toMatch(/SECRETS_KEY: is required in production/);
  });

  it('in production, refuses to pay through the emulator unless STRIPE_EMULATOR=true says so', () => {
    const production = {
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://db/sorae',
      CLICK_IP_SECRET: 'x'.repeat(32),
      PUBLIC_URL: 'https://affiliates.example.com',
      SECRETS_KEY: 's'.repeat(32),
    };
    const message = refusal(production);
    expect(message).toMatch(/STRIPE_SECRET_KEY: is required in production; STRIPE_EMULATOR=true runs the built-in Stripe emulator/);
    expect(refusal({ ...production, STRIPE_EMULATOR: 'false' })).toMatch(/STRIPE_SECRET_KEY: is required in production/);
    expect(loadConfig({ ...production, STRIPE_EMULATOR: 'true' }).stripe.emulator).toBe(true);
    expect(loadConfig({ ...production, STRIPE_SECRET_KEY: 'sk_live_x', STRIPE_WEBHOOK_SECRET: 'whsec_x' }).stripe.emulator).toBe(false);
    expect(refusal({ ...production, STRIPE_EMULATOR: 'true', STRIPE_SECRET_KEY: 'sk_live_x', STRIPE_WEBHOOK_SECRET: 'whsec_x' })).toMatch(
      /STRIPE_EMULATOR: cannot be true with STRIPE_SECRET_KEY/,
    );
    // Outside production the emulator is the default; STRIPE_EMULATOR=false asks for the real Stripe.
    expect(loadConfig({}).stripe.emulator).toBe(true);
    expect(refusal({ STRIPE_EMULATOR: 'false' })).toMatch(/STRIPE_SECRET_KEY: is required with STRIPE_EMULATOR=false/);
  });

  it('takes a previous secrets key only beside a different current one', () => {
    const key = 'k'.repeat(32);
    expect(refusal({ SECRETS_KEY_PREVIOUS: key })).toMatch(/SECRETS_KEY_PREVIOUS: needs SECRETS_KEY/);
    expect(refusal({ SECRETS_KEY: key, SECRETS_KEY_PREVIOUS: key })).toMatch(/SECRETS_KEY_PREVIOUS: must differ from SECRETS_KEY/);
    expect(refusal({ SECRETS_KEY: 'short' })).toMatch(/SECRETS_KEY: must be at least 32 characters/);
    expect(loadConfig({ SECRETS_KEY: key, SECRETS_KEY_PREVIOUS: 'p'.repeat(32) }).secrets).toEqual({ key, previousKey: 'p'.repeat(32) });
  });

  it('keeps source maps private and sends HSTS only for an https public origin', () => {
    expect(loadConfig({}).serveSourceMaps).toBe(false);
    expect(loadConfig({ SERVE_SOURCE_MAPS: 'true' }).serveSourceMaps).toBe(true);
    expect(loadConfig({}).hsts).toBe(false);
    expect(loadConfig({ PUBLIC_URL: 'https://affiliates.example.com' }).hsts).toBe(true);
  });
});
