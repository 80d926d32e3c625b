import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/harness.js';
import { StripePacer } from './stripe-pacer.js';

describe('Stripe pacing', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app?.close());

  it('hands out slots one interval apart to every pacer on the database, as if they were one', async () => {
    // Two pacers stand for two server processes; their slots interleave but never crowd.
    const a = new StripePacer(app.orm, 40);
    const b = new StripePacer(app.orm, 40);
    const slots = (await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).reserve()))).map((r) => r.slotMs).sort((x, y) => x - y);
    for (let i = 1; i < slots.length; i++) expect(slots[i]! - slots[i - 1]!).toBeGreaterThanOrEqual(40 - 0.01);
    // The 30th slot is 29 intervals after the first: the row keeps them, not a local clock.
    expect(slots[29]! - slots[0]!).toBeGreaterThanOrEqual(29 * 40 - 0.01);
  });
});
