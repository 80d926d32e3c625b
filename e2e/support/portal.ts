import type { Page } from 'playwright-core';
import { signInThrough } from './sign-in.js';

/** Signs in through the portal's sign-in page and waits for the app shell. */
export const signInToPortal = (page: Page, credentials: { email: string; password: string }) =>
  signInThrough(page, { path: '/portal/', shell: 'current-affiliate' }, credentials);
