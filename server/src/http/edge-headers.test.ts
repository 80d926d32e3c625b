import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../test/harness.js';
import { program } from '../test/orders-fixtures.js';
import { Enrollment } from '../modules/applications/index.js';

describe('headers on the REST edge and /graphql', () => {
  let app: TestApp;
  let shareCode: string;

  beforeAll(async () => {
    app = await startTestApp({ PUBLIC_URL: 'https://affiliates.example.com' });
    const p = await program(app, { affiliates: 1 });
    shareCode = (await app.emFor(p.merchantId).findOneOrFail(Enrollment, p.affiliates[0]!.enrollmentId)).shareCode;
  });
  afterAll(() => app?.close());

  it('every answer says nosniff and, the public origin being https, HSTS', async () => {
    const answers = [
      await fetch(`${app.url}/r/${shareCode}`, { redirect: 'manual' }),
      await fetch(`${app.url}/r/no-such-code`),
      await fetch(`${app.url}/sorae.js`),
      await fetch(`${app.url}/healthz`),
      await fetch(`${app.url}/webhooks/orders`, { method: 'POST', body: '{}' }),
      await fetch(`${app.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' }),
      await fetch(`${app.url}/nowhere`),
    ];
    expect(answers.map((r) => r.status)).toEqual([302, 404, 200, 200, 401, 200, 404]);
    for (const r of answers) {
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('strict-transport-security')).toBe('max-age=31536000');
    }
  });

  it('a plain-http public origin gets no HSTS (it would lock browsers out)', async () => {
    const plain = await startTestApp();
    try {
      const r = await fetch(`${plain.url}/healthz`);
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('strict-transport-security')).toBeNull();
    } finally {
      await plain.close();
    }
  });
});
