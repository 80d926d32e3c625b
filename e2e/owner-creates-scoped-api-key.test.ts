import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { signInToAdmin } from './support/admin.js';
import { describeScenario, useScenario } from './support/scenario.js';

describeScenario('the owner creates an API key with chosen scopes and sees them listed with its last use', () => {
  const s = useScenario('owner-creates-scoped-api-key');
  let page: Page;
  let key = '';

  const keyRow = () => page.getByRole('row').filter({ hasText: 'Store backend' });

  it('the owner names a key, keeps Orders, drops Read and adds Payouts; the key is shown once', async () => {
    page = await s.newPage();
    await signInToAdmin(page, s.system.admin);
    await page.goto('/admin/settings');
    await page.getByTestId('api-key-name').fill('Store backend');
    expect(await page.getByTestId('api-key-scope-ORDERS').isChecked()).toBe(true);
    expect(await page.getByTestId('api-key-scope-READ').isChecked()).toBe(true);
    expect(await page.getByTestId('api-key-scope-PAYOUTS').isChecked()).toBe(false);
    await page.getByTestId('api-key-scope-READ').uncheck();
    await page.getByTestId('api-key-scope-PAYOUTS').check();
    await page.getByTestId('create-api-key').click();
    await page.getByTestId('created-api-key').waitFor();
    key = await page.getByTestId('created-api-key-value').inputValue();
    expect(key).toMatch(/^sk_sorae_/);
    await keyRow().waitFor();
    expect(await keyRow().getByTestId('api-key-scopes').textContent()).toBe('Orders, Payouts');
    expect(await keyRow().getByTestId('api-key-last-used').textContent()).toBe('Never');
  });

  it('the key records an order but cannot read commissions; the list then shows when it was last used', async () => {
    const auth = { authorization: `Bearer ${key}` };
    const recorded = await s.system.graphql(
      `mutation ($i: RecordOrderInput!) { recordOrder(input: $i) { conversion { channel } } }`,
      { i: { id: 'order-e2e-1', amountMinor: 4200, currency: 'USD', occurredAt: new Date().toISOString() } },
      auth,
    );
    expect(recorded.errors).toBeUndefined();
    const read = await s.system.graphql(`{ commissions { totalCount } }`, {}, auth);
    expect(read.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    await page.reload();
    await keyRow().waitFor();
    const lastUsed = await keyRow().getByTestId('api-key-last-used').textContent();
    expect(lastUsed).not.toBe('Never');
    expect(lastUsed).toMatch(/\d/);
  });
});
