import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { serverEntry, stripeEmulatorDist } from './support/paths.js';
import { startSystem, type System } from './support/system.js';

/**
 * The Stripe emulator is a package of its own, which the server imports dynamically only when
 * it runs: a production server with a Stripe key never loads a line of it. Every module the
 * server process resolves is recorded (support/record-imports.mjs) from its start, through a
 * sign-in, to its graceful stop.
 */
const PRODUCTION = { NODE_ENV: 'production', CLICK_IP_SECRET: 'e2e-click-ip-secret-e2e-click-ip-secret' };
const recorder = fileURLToPath(new URL('./support/record-imports.mjs', import.meta.url));
const emulatorModules = (urls: string[]) => urls.filter((url) => url.startsWith(pathToFileURL(stripeEmulatorDist).href));

describe('an operator runs Sorae in production', () => {
  let system: System | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await system?.stop();
    system = undefined;
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Starts the built server with `env`, signs in, stops it, and returns every module URL it resolved. */
  async function modulesLoaded(name: string, env: Record<string, string>): Promise<string[]> {
    dir = mkdtempSync(join(tmpdir(), 'sorae-e2e-imports-'));
    const record = join(dir, 'imports.txt');
    system = await startSystem({ name, env: { ...PRODUCTION, ...env, RECORD_IMPORTS: record }, nodeArgs: ['--import', recorder] });
    const signedIn = await system.graphql<{ signIn: { token: string } }>(
      `mutation ($email: String!, $password: String!) { signIn(email: $email, password: $password) { token } }`,
      system.admin,
    );
    expect(signedIn.errors, system.logTail()).toBeUndefined();
    await system.stop();
    expect(await system.exited, system.logTail()).toBe(0);
    system = undefined;
    const urls = readFileSync(record, 'utf8').split('\n').filter(Boolean);
    expect(urls, 'the recorder saw the server start').toContain(pathToFileURL(serverEntry).href);
    return urls;
  }

  it('with a Stripe key, the server never loads the Stripe emulator', async () => {
    const urls = await modulesLoaded('production with a Stripe key', {
      STRIPE_SECRET_KEY: 'sk_live_e2e_never_used',
      STRIPE_WEBHOOK_SECRET: 'whsec_e2e_never_used',
      // Nothing listens there: no call may reach the real Stripe from a test.
      STRIPE_API_URL: 'http://127.0.0.1:9',
    });
    expect(emulatorModules(urls)).toEqual([]);
  });

  it('with STRIPE_EMULATOR=true (a staging system), the server loads the emulator', async () => {
    const urls = await modulesLoaded('production with the emulator', { STRIPE_EMULATOR: 'true' });
    expect(emulatorModules(urls)).toContain(pathToFileURL(join(stripeEmulatorDist, 'index.js')).href);
  });
});
