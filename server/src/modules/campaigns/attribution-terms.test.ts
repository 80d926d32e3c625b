import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/harness.js';
import { program, type Program, readOverTouched } from '../../test/orders-fixtures.js';
import type { TenantRef } from '../tenancy.js';

describe('CampaignsService.attributionTerms (the port attribution reads campaigns through)', () => {
  let app: TestApp;
  let pct: Program;
  let flat: Program;

  beforeAll(async () => {
    app = await startTestApp();
    pct = await program(app, { affiliates: 0, attributionWindowDays: 7 });
    flat = await program(app, { affiliates: 0, currency: 'EUR', commission: { type: 'FLAT', amountMinor: 250, duration: 'MONTHS', durationMonths: 12 } });
  });
  afterAll(() => app?.close());

  const terms = (refs: TenantRef[]) => readOverTouched(app, refs, 'campaign_id', (touched) => app.services.campaigns.attributionTerms(touched));

  it("answers each named campaign's status, window, currency and rule (with its duration); a campaign under another merchant's id is not found", async () => {
    const found = await terms([
      { merchantId: pct.merchantId, id: pct.campaign.id },
      { merchantId: flat.merchantId, id: flat.campaign.id },
      { merchantId: pct.merchantId, id: flat.campaign.id },
    ]);
    expect(Object.fromEntries(found)).toEqual({
      [pct.campaign.id]: {
        status: 'ACTIVE',
        attributionWindowDays: 7,
        currency: 'USD',
        rule: { type: 'PERCENTAGE', rateBps: 1000, amountMinor: null, duration: 'ONCE', durationMonths: null },
      },
      [flat.campaign.id]: {
        status: 'ACTIVE',
        attributionWindowDays: 30,
        currency: 'EUR',
        rule: { type: 'FLAT', rateBps: null, amountMinor: 250, duration: 'MONTHS', durationMonths: 12 },
      },
    });
    const other = await terms([{ merchantId: pct.merchantId, id: flat.campaign.id }]);
    expect(other.size).toBe(0);
    expect((await terms([])).size).toBe(0);
  });
});
