import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, uniq, type TestApp } from '../../test/harness.js';
import { click, counts, orderBody, postWebhook, program, refundBody, type Program } from '../../test/orders-fixtures.js';

const RECORD_ORDER = `mutation($input: RecordOrderInput!) { recordOrder(input: $input) { conversion { id commissionId } } }`;
const RECORD_REFUND = `mutation($input: RecordRefundInput!) { recordRefund(input: $input) { refund { refundId amountMinor } conversion { id } } }`;

/** recordOrder and recordRefund hold the same rules as the order webhook, and share its records. */
describe('recordOrder and recordRefund: a reused id with other content, or a refund beyond the order', () => {
  let app: TestApp;
  let p: Program;
  let apiKey: string;

  beforeAll(async () => {
    app = await startTestApp();
    p = await program(app, { affiliates: 1 });
    apiKey = (await app.gql(`mutation { createApiKey(name: "store") { key } }`, {}, p.token)).data!.createApiKey.key;
  });
  afterAll(() => app?.close());

  const newOrder = async (amountMinor: number) => {
    const visitorId = uniq('v');
    await click(app, p, p.affiliates[0]!, { visitorId });
    const input = { id: uniq('ord_'), amountMinor, currency: 'USD', occurredAt: new Date().toISOString(), visitorId };
    const r = await app.gql(RECORD_ORDER, { input }, apiKey);
    expect(r.errors).toBeUndefined();
    return { input, conversion: r.data!.recordOrder.conversion };
  };

  it('an order id recorded again: the same content answers its conversion, other content is a CONFLICT that writes nothing', async () => {
    const { input, conversion } = await newOrder(10_000);
    expect((await app.gql(RECORD_ORDER, { input }, apiKey)).data!.recordOrder.conversion).toEqual(conversion);
    const before = await counts(app, p.merchantId);
    const changed = await app.gql(RECORD_ORDER, { input: { ...input, amountMinor: 20_000, visitorId: uniq('v') } }, apiKey);
    expect(changed.errors![0]!.extensions).toEqual({
      code: 'CONFLICT',
      fieldErrors: { id: 'was already recorded with other content (amountMinor, visitorId)' },
    });
    // The webhook is refused alike for an order recordOrder wrote.
    const viaWebhook = await postWebhook(app, p, orderBody({ ...input, amountMinor: 1 }));
    expect(viaWebhook.status).toBe(409);
    expect(await counts(app, p.merchantId)).toEqual(before);
  });

  it('a refund id recorded again with other content is a CONFLICT; a refund beyond the order is BAD_USER_INPUT; neither writes', async () => {
    const { input } = await newOrder(10_000);
    const refund = { orderId: input.id, id: uniq('re_'), amountMinor: 6_000, occurredAt: new Date().toISOString() };
    expect((await app.gql(RECORD_REFUND, { input: refund }, apiKey)).data!.recordRefund.refund).toEqual({ refundId: refund.id, amountMinor: 6_000 });
    expect((await app.gql(RECORD_REFUND, { input: refund }, apiKey)).errors).toBeUndefined();
    const before = await counts(app, p.merchantId);
    const changed = await app.gql(RECORD_REFUND, { input: { ...refund, amountMinor: 7_000 } }, apiKey);
    expect(changed.errors![0]!.extensions).toEqual({ code: 'CONFLICT', fieldErrors: { id: 'was already recorded with other content (amountMinor)' } });
    const beyond = await app.gql(RECORD_REFUND, { input: { ...refund, id: uniq('re_'), amountMinor: 5_000 } }, apiKey);
    expect(beyond.errors![0]!.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      fieldErrors: { amountMinor: "must be at most 4000, what is left of the order's 10000" },
    });
    const viaWebhook = await postWebhook(app, p, refundBody(input.id, { id: refund.id, amountMinor: 1_000 }));
    expect(viaWebhook.status).toBe(409);
    expect(await counts(app, p.merchantId)).toEqual(before);
  });
});
