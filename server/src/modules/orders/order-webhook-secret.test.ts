import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../app.js';
import { createLogger } from '../../logger.js';
import { SecretsBox } from '../../secrets-box.js';
import { startTestApp, TEST_SECRETS_KEY, type TestApp } from '../../test/harness.js';
import { orderBody, postWebhook } from '../../test/orders-fixtures.js';
import { signPayload } from './orders-webhook.route.js';
import { OrderWebhookSecrets } from './webhook-secrets.js';

const NEXT_KEY = 'sorae-test-secrets-key-next-next-next-next';

async function storedSecret(app: App, merchantId: string): Promise<string> {
  const [row] = await app.orm.em
    .fork()
    .getConnection()
    .execute<{ secret: string }[]>(`select secret from order_webhook_secret where merchant_id = ?`, [merchantId]);
  return row!.secret;
}

async function post(app: App, merchantId: string, secret: string) {
  const raw = JSON.stringify(orderBody({}));
  const res = await fetch(`${app.url}/webhooks/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'sorae-merchant': merchantId, 'sorae-signature': signPayload(secret, raw) },
    body: raw,
  });
  return res.status;
}

describe('order-webhook secrets at rest', () => {
  let app: TestApp;
  let owner: { merchantId: string; token: string };
  let secret: string;

  beforeAll(async () => {
    app = await startTestApp();
    owner = await app.newMerchant();
    secret = (await app.gql(`mutation { rotateOrderWebhookSecret }`, {}, owner.token)).data!.rotateOrderWebhookSecret as string;
  });
  afterAll(() => app?.close());

  it('stores the secret sealed with SECRETS_KEY, not as itself, and the webhook still verifies', async () => {
    const stored = await storedSecret(app, owner.merchantId);
    expect(stored).not.toContain(secret);
    expect(stored.startsWith(`sb1:${new SecretsBox(TEST_SECRETS_KEY).keyId}:`)).toBe(true);
    expect((await postWebhook(app, { merchantId: owner.merchantId, secret }, orderBody({}))).status).toBe(200);
    expect((await postWebhook(app, { merchantId: owner.merchantId, secret: 'whsec_wrong' }, orderBody({}))).status).toBe(401);
  });

  it('at start seals plaintext rows and rows sealed with SECRETS_KEY_PREVIOUS with the new key; both still verify', async () => {
    const legacy = await app.newMerchant();
    const plaintext = 'whsec_stored-in-plaintext-before-sealing';
    await app.orm.em
      .fork()
      .getConnection()
      .execute(`insert into order_webhook_secret (merchant_id, secret, rotated_at) values (?, ?, now())`, [legacy.merchantId, plaintext]);

    const restarted = await createApp({ config: { ...app.config, secrets: { key: NEXT_KEY, previousKey: TEST_SECRETS_KEY } }, log: createLogger('silent') });
    try {
      const current = new SecretsBox(NEXT_KEY).keyId;
      for (const merchantId of [owner.merchantId, legacy.merchantId]) {
        expect((await storedSecret(restarted, merchantId)).startsWith(`sb1:${current}:`)).toBe(true);
      }
      expect(await storedSecret(restarted, legacy.merchantId)).not.toContain(plaintext);
      expect(await post(restarted, owner.merchantId, secret)).toBe(200);
      expect(await post(restarted, legacy.merchantId, plaintext)).toBe(200);
      // Idempotent: a second start (or another process) has nothing left to seal.
      expect(await restarted.services.orderWebhookSecrets.resealAll(restarted.orm.em.fork())).toBe(0);
    } finally {
      await restarted.close();
    }
  });

  it('refuses to start over secrets sealed with a key it does not hold, naming the key, and changes nothing', async () => {
    const before = await storedSecret(app, owner.merchantId);
    const stranger = new OrderWebhookSecrets(new SecretsBox('a-key-that-sealed-none-of-these-rows'));
    await expect(stranger.resealAll(app.orm.em.fork())).rejects.toThrow(new RegExp(`sealed with key ${before.split(':')[1]}.*Set SECRETS_KEY_PREVIOUS`));
    expect(await storedSecret(app, owner.merchantId)).toBe(before);
  });
});
