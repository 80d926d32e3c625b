import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { signInToAdmin } from './support/admin.js';
import { confirmFromOutbox } from './support/applicants.js';
import { describeScenario, useScenario } from './support/scenario.js';

describeScenario('the merchant adds a webhook endpoint, it fails twice, and the log shows the retries until it succeeds', () => {
  // Retries one second apart instead of Standard Webhooks' 5 s, 5 min, … so the story is quick.
  const s = useScenario('merchant-adds-webhook-endpoint-that-fails-twice', { env: { WEBHOOK_RETRY_SCHEDULE: '1,1,1', WEBHOOK_POLL_MS: '200' } });
  let page: Page;
  let receiver: Server;
  let receiverUrl = '';
  const received: { id: string; status: number; body: string }[] = [];

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const status = received.length < 2 ? 500 : 200;
        received.push({ id: String(req.headers['webhook-id']), status, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/sorae`;
  });
  afterAll(() => new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve())));

  it('the owner adds an endpoint for submitted applications and copies its secret, shown once', async () => {
    page = await s.newPage();
    await signInToAdmin(page, s.system.admin);
    await page.goto('/admin/settings');
    await page.getByTestId('open-webhooks').click();
    await page.getByTestId('webhook-url-input').fill(receiverUrl);
    await page.getByTestId('webhook-event-application.submitted').check();
    await page.getByTestId('create-webhook').click();
    await page.getByTestId('created-webhook-endpoint').waitFor();
    expect(await page.getByTestId('webhook-secret-value').inputValue()).toMatch(/^whsec_/);
    await page.getByTestId('webhook-endpoint-url').filter({ hasText: receiverUrl }).waitFor();
  });

  it('an applicant applies; the receiver answers 500 twice, then 200, always for the same webhook-id', async () => {
    const signIn = await s.system.graphql<{ signIn: { token: string } }>(`mutation ($e: String!, $p: String!) { signIn(email: $e, password: $p) { token } }`, {
      e: s.system.admin.email,
      p: s.system.admin.password,
    });
    const auth = { authorization: `Bearer ${signIn.data!.signIn.token}` };
    const campaign = await s.system.graphql<{ createCampaign: { slug: string } }>(
      `mutation ($i: CampaignInput!) { createCampaign(input: $i) { slug } }`,
      { i: { name: 'Hooked', slug: 'hooked', destinationUrl: 'https://shop.example/', currency: 'USD', commission: { type: 'PERCENTAGE', rateBps: 1000 } } },
      auth,
    );
    expect(campaign.errors).toBeUndefined();
    const email = 'hooked-applicant@example.test';
    const applied = await s.system.graphql(`mutation ($i: SubmitApplicationInput!) { submitApplication(input: $i) { id } }`, {
      i: { campaignSlug: 'hooked', email, name: 'Hana Hook', password: 'applicant-password', answers: [] },
    });
    expect(applied.errors).toBeUndefined();
    await confirmFromOutbox(s.system, email);
    for (const deadline = Date.now() + 20_000; received.length < 3; await new Promise((r) => setTimeout(r, 100))) {
      if (Date.now() > deadline) throw new Error(`the receiver got ${received.length} requests`);
    }
    expect(received.map((r) => r.status)).toEqual([500, 500, 200]);
    expect(new Set(received.map((r) => r.id)).size).toBe(1);
    expect(JSON.parse(received[0]!.body)).toMatchObject({ type: 'application.submitted', data: { application: { email } } });
  });

  it("the endpoint's delivery log shows both failures and the success, and offers a redelivery", async () => {
    await page.getByTestId('webhook-show-log').click();
    const delivered = page.getByTestId('webhook-delivery-status').and(page.locator('[data-status="SUCCEEDED"]'));
    await delivered.waitFor({ timeout: 15_000 });
    const attempts = page.getByTestId('webhook-attempt');
    expect(await attempts.evaluateAll((items) => items.map((i) => i.getAttribute('data-status')))).toEqual(['500', '500', '200']);
    await page.getByTestId('redeliver-webhook').click();
    for (const deadline = Date.now() + 15_000; received.length < 4; await new Promise((r) => setTimeout(r, 100))) {
      if (Date.now() > deadline) throw new Error('the redelivery never arrived');
    }
    expect(received[3]!.id).toBe(received[0]!.id);
    await page.screenshot({ path: `${s.system.artifacts}/webhook-delivery-log.png`, fullPage: true });
  });
});
