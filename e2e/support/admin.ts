import type { Page } from 'playwright-core';
import { signInThrough } from './sign-in.js';

/** Signs in through the admin's sign-in page and waits for the app shell. */
export const signInToAdmin = (page: Page, credentials: { email: string; password: string }) =>
  signInThrough(page, { path: '/admin/', shell: 'current-user' }, credentials);

/** The inputs of one row of the campaign editor's intake-field builder (0-based). */
export function intakeField(page: Page, index: number) {
  const row = page.getByTestId(`intake-field-${index}`);
  return {
    row,
    label: row.getByLabel('Label', { exact: true }),
    key: row.getByLabel('Key', { exact: true }),
    type: row.getByLabel('Type', { exact: true }),
    options: row.getByLabel('Options', { exact: true }),
    min: row.getByLabel('Min', { exact: true }),
    max: row.getByLabel('Max', { exact: true }),
    helpText: row.getByLabel('Help text', { exact: true }),
    required: row.getByLabel('Required', { exact: true }),
    moveUp: row.getByRole('button', { name: `Move field ${index + 1} up` }),
    moveDown: row.getByRole('button', { name: `Move field ${index + 1} down` }),
    remove: row.getByRole('button', { name: `Remove field ${index + 1}` }),
  };
}
