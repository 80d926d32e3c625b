import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../app.js';
import { createLogger } from '../../logger.js';
import { emExec } from '../../db/sql-runner.js';
import { SecretsBox } from '../../secrets-box.js';
import { startTestApp, TEST_SECRETS_KEY, type TestApp } from '../../test/harness.js';
import { endpointSecretContext } from './webhook-sender.js';
import { click, orderBody, postWebhook, program } from '../../test/orders-fixtures.js';
import { webhookReceiver } from '../../test/webhook-receiver.js';

const FAST = { WEBHOOK_RETRY_SCHEDULE: '0.05,0.05,0.05', WEBHOOK_POLL_MS: '20' };

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, ms = 15_000): Promise<T> {
  for (const deadline = Date.now() + ms; ; await new Promise((r) => setTimeout(r, 25))) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
  }
}

const CREATE = `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret endpoint { id url events } } }`;
const DELIVERIES = `query($id: ID!) { webhookDeliveries(endpointId: $id, first: 100) { totalCount edges { node { id eventType status attempts lastResponseStatus nextAttemptAt attemptLog { responseStatus } } } } }`;

async function createEndpoint(app: TestApp, token: string, url: string, events: string[]) {
  const r = await app.gql(CREATE, { input: { url, events } }, token);
  if (!r.data) throw new Error(JSON.stringify(r.errors));
  return r.data.createWebhookEndpoint as { secret: string; endpoint: { id: string } };
}

async function emit(app: TestApp, merchantId: string, n = 1, type = 'application.submitted' as const) {
  const events = Array.from({ length: n }, (_, i) => ({ merchantId, type, data: { n: i } }));
  await app.services.webhooks.enqueue(emExec(app.orm.em.fork()), events, new Date());
}

describe('outgoing webhooks', () => {
  let app: TestApp;
  let offsetMs = 0;
  beforeAll(async () => {
    app = await startTestApp({ ...FAST, WEBHOOK_MAX_ENDPOINTS: '3' }, () => new Date(Date.now() + offsetMs));
  });
  afterAll(() => app?.close());

  it('retries an endpoint that fails twice under the same webhook-id until it succeeds; every attempt is signed and logged', async () => {
    const receiver = await webhookReceiver((tries) => (tries < 2 ? 500 : 200));
    try {
      const owner = await app.newMerchant();
      const { secret, endpoint } = await createEndpoint(app, owner.token, receiver.url, ['application.submitted']);
      expect(secret).toMatch(/^whsec_/);
      await emit(app, owner.merchantId);
      await until('the third attempt', async () => receiver.received.length >= 3);
      const ids = new Set(receiver.received.map((r) => r.headers['webhook-id']));
      expect(ids.size).toBe(1);
      const verifier = new Webhook(secret);
      for (const r of receiver.received) {
        const payload = verifier.verify(r.body, r.headers as Record<string, string>) as { type: string; timestamp: string; data: unknown };
        expect(payload).toMatchObject({ type: 'application.submitted', data: { n: 0 } });
        expect(Date.parse(payload.timestamp)).not.toBeNaN();
      }
      expect(() =>
        new Webhook(`whsec_${Buffer.from('another secret').toString('base64')}`).verify(
          receiver.received[0]!.body,
          receiver.received[0]!.headers as Record<string, string>,
        ),
      ).toThrow();
      const log = await until('SUCCEEDED', async () => {
        const d = (await app.gql(DELIVERIES, { id: endpoint.id }, owner.token)).data!.webhookDeliveries.edges[0]?.node;
        return d?.status === 'SUCCEEDED' && d;
      });
      expect(log).toMatchObject({ eventType: 'application.submitted', attempts: 3, lastResponseStatus: 200 });
      expect(log.attemptLog.map((a: { responseStatus: number }) => a.responseStatus)).toEqual([500, 500, 200]);

      // Redelivered on request, again under the same webhook-id.
      const again = await app.gql(`mutation($id: ID!) { redeliverWebhook(deliveryId: $id) { status } }`, { id: log.id }, owner.token);
      expect(again.data!.redeliverWebhook.status).toBe('PENDING');
      await until('the redelivery', async () => receiver.received.length >= 4);
      expect(receiver.received[3]!.headers['webhook-id']).toBe(receiver.received[0]!.headers['webhook-id']);
    } finally {
      await receiver.close();
    }
  });

  it('gives up after the retry schedule, leaving a FAILED delivery', async () => {
    const receiver = await webhookReceiver(() => 503);
    try {
      const owner = await app.newMerchant();
      const { endpoint } = await createEndpoint(app, owner.token, receiver.url, ['application.submitted']);
      await emit(app, owner.merchantId);
      const d = await until('FAILED', async () => {
        const node = (await app.gql(DELIVERIES, { id: endpoint.id }, owner.token)).data!.webhookDeliveries.edges[0]?.node;
        return node?.status === 'FAILED' && node;
      });
      // The first attempt and the schedule's three retries.
      expect(d.attempts).toBe(4);
      expect(receiver.received).toHaveLength(4);
    } finally {
      await receiver.close();
    }
  });

  it('disables an endpoint that failed for 5 days, fails its pending deliveries and emails the owner', async () => {
    const receiver = await webhookReceiver(() => 500);
    try {
      const owner = await app.newMerchant();
      const { endpoint } = await createEndpoint(app, owner.token, receiver.url, ['application.submitted']);
      await emit(app, owner.merchantId);
      await until('the first failure', async () => receiver.received.length >= 1);
      const list = async () => (await app.gql(`{ webhookEndpoints { id disabledAt failingSince } }`, {}, owner.token)).data!.webhookEndpoints[0];
      expect((await list()).disabledAt).toBeNull();
      offsetMs += 5 * 24 * 3600_000 + 60_000;
      await emit(app, owner.merchantId);
      await until('disabled', async () => (await list()).disabledAt);
      const statuses = (await app.gql(DELIVERIES, { id: endpoint.id }, owner.token)).data!.webhookDeliveries.edges.map((e: any) => e.node.status);
      expect(statuses.every((s: string) => s === 'FAILED')).toBe(true);
      const mail = await app.orm.em
        .fork()
        .execute<{ subject: string; text: string }[]>(`select subject, text from mail_message where merchant_id = ? and kind = 'webhookEndpointDisabled'`, [
          owner.merchantId,
        ]);
      expect(mail).toHaveLength(1);
      expect(mail[0]!.text).toContain(receiver.url);
      // A disabled endpoint is sent nothing, and nothing is queued for it.
      const before = receiver.received.length;
      await emit(app, owner.merchantId);
      await new Promise((r) => setTimeout(r, 200));
      expect(receiver.received.length).toBe(before);
    } finally {
      offsetMs = 0;
      await receiver.close();
    }
  });

  it('refuses unknown events, URLs that are not http(s), this server, internal addresses and too many endpoints, writing nothing', async () => {
    const owner = await app.newMerchant();
    const refusal = async (url: string, events = ['payout.posted']) => {
      const r = await app.gql(CREATE, { input: { url, events } }, owner.token);
      expect(r.errors?.[0]?.extensions?.code, url).toBe('BAD_USER_INPUT');
      return r.errors![0]!;
    };
    expect((await refusal('https://hooks.example.com/x', ['payout.posted', 'order.created'])).extensions!.fieldErrors!.events).toMatch(
      /unknown event "order.created"/,
    );
    expect((await refusal('https://hooks.example.com/x', [])).extensions!.fieldErrors!.events).toMatch(/at least one/);
    expect((await refusal('ftp://hooks.example.com/x')).extensions!.fieldErrors!.url).toMatch(/http/);
    expect((await refusal('not a url')).extensions!.fieldErrors!.url).toMatch(/http/);
    expect((await refusal(`${app.url}/graphql`)).extensions!.fieldErrors!.url).toMatch(/this server/);
    expect((await refusal('http://10.0.0.7/hook')).extensions!.fieldErrors!.url).toMatch(/private/);
    expect((await refusal('http://169.254.169.254/latest/meta-data')).extensions!.fieldErrors!.url).toMatch(/link-local/);
    expect((await refusal('http://[fd00::1]/hook')).extensions!.fieldErrors!.url).toMatch(/private/);
    expect((await app.gql(`{ webhookEndpoints { id } }`, {}, owner.token)).data!.webhookEndpoints).toHaveLength(0);

    for (let i = 0; i < 3; i++) await createEndpoint(app, owner.token, `http://127.0.0.1:9/hook${i}`, ['payout.posted']);
    expect((await refusal('http://127.0.0.1:9/hook4')).message).toMatch(/At most 3/);
    expect((await app.gql(`{ webhookEndpoints { id } }`, {}, owner.token)).data!.webhookEndpoints).toHaveLength(3);
  });

  it('refuses loopback receivers when WEBHOOK_ALLOW_LOOPBACK is off (as in production)', async () => {
    const strict = await startTestApp({ WEBHOOK_ALLOW_LOOPBACK: 'false' });
    try {
      const owner = await strict.newMerchant();
      for (const url of ['http://127.0.0.1:8080/hook', 'http://localhost:8080/hook', 'http://[::1]:8080/hook']) {
        const r = await strict.gql(CREATE, { input: { url, events: ['payout.posted'] } }, owner.token);
        expect(r.errors?.[0]?.extensions?.fieldErrors?.url, url).toMatch(/loopback/);
      }
      expect((await strict.gql(`{ webhookEndpoints { id } }`, {}, owner.token)).data!.webhookEndpoints).toHaveLength(0);
    } finally {
      await strict.close();
    }
  });

  it('at start seals endpoint secrets sealed with SECRETS_KEY_PREVIOUS with the new key, which opens them to the same secret', async () => {
    const owner = await app.newMerchant();
    const { secret, endpoint } = await createEndpoint(app, owner.token, 'http://127.0.0.1:9/hook', ['payout.posted']);
    const stored = async (a: { orm: TestApp['orm'] }) =>
      ((await a.orm.em.fork().getConnection().execute(`select secret from webhook_endpoint where id = ?`, [endpoint.id])) as { secret: string }[])[0]!.secret;
    expect((await stored(app)).startsWith(`sb1:${new SecretsBox(TEST_SECRETS_KEY).keyId}:`)).toBe(true);
    const next = 'sorae-test-secrets-key-webhooks-next-next-next';
    const restarted = await createApp({ config: { ...app.config, secrets: { key: next, previousKey: TEST_SECRETS_KEY } }, log: createLogger('silent') });
    try {
      const box = new SecretsBox(next);
      const resealed = await stored(restarted);
      expect(resealed.startsWith(`sb1:${box.keyId}:`)).toBe(true);
      expect(box.open(resealed, endpointSecretContext(endpoint.id))).toBe(secret);
      // Idempotent: a second start (or another process) has nothing left to seal.
      expect(await restarted.services.webhooks.resealAll(restarted.orm.em.fork())).toBe(0);
    } finally {
      await restarted.close();
      await app.gql(`mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }`, { id: endpoint.id }, owner.token);
      // Every endpoint of the shared database back under the suite's key, which later app instances hold.
      await (await createApp({ config: { ...app.config, secrets: { key: TEST_SECRETS_KEY, previousKey: next } }, log: createLogger('silent') })).close();
    }
  });

  it('two server processes on one database send each delivery exactly once', async () => {
    const receiver = await webhookReceiver();
    const second = await createApp({ config: app.config, log: createLogger('silent') });
    try {
      const owner = await app.newMerchant();
      await createEndpoint(app, owner.token, receiver.url, ['application.submitted']);
      await emit(app, owner.merchantId, 400);
      await until('400 deliveries', async () => receiver.received.length >= 400);
      await new Promise((r) => setTimeout(r, 300));
      const ids = receiver.received.map((r) => r.headers['webhook-id']);
      expect(ids).toHaveLength(400);
      expect(new Set(ids).size).toBe(400);
    } finally {
      await second.close();
      await receiver.close();
    }
  });

  it('yields to requests: while the process is busy serving, one batch of WEBHOOK_CONCURRENCY and a pause; the rest once it eases', async () => {
    const receiver = await webhookReceiver();
    // A database of its own, sending only when the test asks (the scheduled run finds nothing due at start).
    const quiet = await startTestApp({ WEBHOOK_POLL_MS: '600000', WEBHOOK_CONCURRENCY: '4' });
    try {
      const owner = await quiet.newMerchant();
      await createEndpoint(quiet, owner.token, receiver.url, ['application.submitted']);
      await emit(quiet, owner.merchantId, 40);
      const busy = { busy: () => true };
      expect(await quiet.services.webhooks.sender.sendDue(busy)).toBe(4);
      expect(await quiet.services.webhooks.sender.sendDue(busy)).toBe(0);
      expect(receiver.received).toHaveLength(4);
      expect(await quiet.services.webhooks.sender.sendDue({ busy: () => false })).toBe(36);
      expect(new Set(receiver.received.map((r) => r.headers['webhook-id'])).size).toBe(40);
    } finally {
      await quiet.close();
      await receiver.close();
    }
  });

  it('writes events in the causing transaction: review, order ingestion and finalization, only those subscribed to', async () => {
    const receiver = await webhookReceiver();
    const typesReceived = () => receiver.received.map((r) => JSON.parse(r.body) as { type: string; data: any });
    try {
      const p = await program(app, { affiliates: 1 });
      const { endpoint } = await createEndpoint(app, p.token, receiver.url, ['application.rejected', 'commission.created', 'commission.updated']);
      // A new applicant, rejected: application.submitted is not subscribed to, application.rejected is.
      const email = `${Date.now()}-late@example.test`;
      const applied = await app.gql(`mutation($input: SubmitApplicationInput!) { submitApplication(input: $input) { id } }`, {
        input: { campaignSlug: p.campaign.slug, email, name: 'Late', password: 'affiliate-pw', answers: [] },
      });
      await app.confirmApplication(email);
      const applicationId = applied.data!.submitApplication.id as string;
      await app.gql(
        `mutation($input: ReviewApplicationsInput!) { reviewApplications(input: $input) { rejectedCount } }`,
        { input: { ids: [applicationId], decision: 'REJECT', reason: 'Not a fit' } },
        p.token,
      );

      const clickId = await click(app, p, p.affiliates[0]!);
      expect((await postWebhook(app, p, orderBody({ clickId }))).status).toBe(200);
      const created = await until('commission.created', async () => typesReceived().find((e) => e.type === 'commission.created'));
      // A one-time sale is no billing month of a subscription.
      expect(created.data.commission).toMatchObject({
        status: 'PENDING',
        affiliateId: p.affiliates[0]!.id,
        campaignId: p.campaign.id,
        amountMinor: 1000,
        subscriptionId: null,
        sequence: null,
      });
      const finalized = await app.gql(
        `mutation($ids: [ID!]) { finalizeCommissions(input: { ids: $ids }) { finalizedCount } }`,
        { ids: [created.data.commission.id] },
        p.token,
      );
      expect(finalized.data!.finalizeCommissions.finalizedCount).toBe(1);
      const updated = await until('commission.updated', async () => typesReceived().find((e) => e.type === 'commission.updated'));
      expect(updated.data.commission).toMatchObject({ id: created.data.commission.id, status: 'FINALIZED', subscriptionId: null, sequence: null });

      // A subscription's first payment: its commission names the subscription and its month.
      const subscription = { id: 'sub_hooks_1', periodStart: new Date().toISOString() };
      const renewing = await click(app, p, p.affiliates[0]!);
      expect((await postWebhook(app, p, orderBody({ clickId: renewing, subscription }))).status).toBe(200);
      const first = await until('the subscription commission', async () =>
        typesReceived().find((e) => e.type === 'commission.created' && e.data.commission.id !== created.data.commission.id),
      );
      expect(first.data.commission).toMatchObject({ status: 'PENDING', subscriptionId: 'sub_hooks_1', sequence: 1 });

      const rejected = typesReceived().find((e) => e.type === 'application.rejected')!;
      expect(rejected.data.application).toMatchObject({ id: applicationId, status: 'REJECTED', rejectionReason: 'Not a fit', email });
      const all = (await app.gql(DELIVERIES, { id: endpoint.id }, p.token)).data!.webhookDeliveries;
      expect(all.edges.map((e: any) => e.node.eventType).sort()).toEqual([
        'application.rejected',
        'commission.created',
        'commission.created',
        'commission.updated',
      ]);
    } finally {
      await receiver.close();
    }
  });
});
