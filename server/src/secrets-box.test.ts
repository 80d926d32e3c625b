import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEV_KEY_FILE, SecretsBox, SecretsBoxError, openSecretsBox } from './secrets-box.js';

const KEY_A = 'a-test-key-a-test-key-a-test-key-a-test-key';
const KEY_B = 'b-test-key-b-test-key-b-test-key-b-test-key';
const CONTEXT = 'order-webhook-secret:0190f2a0-0000-7000-8000-000000000001';

const failure = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e as SecretsBoxError;
  }
  throw new Error('opened');
};

describe('secrets box', () => {
  it('seals to a value that says which key sealed it and is not the secret, and opens it again', () => {
    const box = new SecretsBox(KEY_A);
    const sealed = box.seal('whsec_the-secret', CONTEXT);
    expect(sealed).toMatch(new RegExp(`^sb1:${box.keyId}:[A-Za-z0-9_-]+$`));
    expect(sealed).not.toContain('whsec_the-secret');
    expect(box.seal('whsec_the-secret', CONTEXT)).not.toBe(sealed); // a fresh IV each time
    expect(box.open(sealed, CONTEXT)).toBe('whsec_the-secret');
    expect(box.isCurrent(sealed)).toBe(true);
  });

  it('refuses a value sealed with a key it does not hold, naming that key', () => {
    const sealed = new SecretsBox(KEY_A).seal('whsec_x', CONTEXT);
    const e = failure(() => new SecretsBox(KEY_B).open(sealed, CONTEXT));
    expect(e).toBeInstanceOf(SecretsBoxError);
    expect(e.unknownKeyId).toBe(new SecretsBox(KEY_A).keyId);
    expect(e.message).toMatch(/neither SECRETS_KEY .* nor SECRETS_KEY_PREVIOUS/);
  });

  it('refuses a tampered value, a value moved to another row, and a truncated one', () => {
    const box = new SecretsBox(KEY_A);
    const sealed = box.seal('whsec_x', CONTEXT);
    const body = Buffer.from(sealed.split(':')[2]!, 'base64url');
    body[14]! ^= 1;
    const tampered = `sb1:${box.keyId}:${body.toString('base64url')}`;
    expect(failure(() => box.open(tampered, CONTEXT)).message).toMatch(/does not authenticate/);
    expect(failure(() => box.open(sealed, 'order-webhook-secret:another-merchant')).message).toMatch(/does not authenticate/);
    expect(failure(() => box.open(`sb1:${box.keyId}:AAAA`, CONTEXT)).message).toMatch(/truncated/);
    expect(failure(() => box.open('whsec_plain', CONTEXT)).message).toMatch(/not a sealed value/);
  });

  it('rotates: the previous key still opens what it sealed, and new values are sealed with the current one', () => {
    const old = new SecretsBox(KEY_A);
    const sealedBefore = old.seal('whsec_x', CONTEXT);
    const rotated = new SecretsBox(KEY_B, KEY_A);
    expect(rotated.open(sealedBefore, CONTEXT)).toBe('whsec_x');
    expect(rotated.isCurrent(sealedBefore)).toBe(false);
    const sealedAfter = rotated.seal('whsec_x', CONTEXT);
    expect(rotated.isCurrent(sealedAfter)).toBe(true);
    expect(failure(() => old.open(sealedAfter, CONTEXT)).unknownKeyId).toBe(rotated.keyId);
  });

  it('without SECRETS_KEY keeps one generated key under DATA_DIR, so a restarted demo opens its secrets', () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'sorae-secrets-')), 'data');
    try {
      const first = openSecretsBox({ secrets: {}, dataDir });
      const sealed = first.seal('whsec_demo', CONTEXT);
      expect(openSecretsBox({ secrets: {}, dataDir }).open(sealed, CONTEXT)).toBe('whsec_demo');
      expect(statSync(join(dataDir, DEV_KEY_FILE)).mode & 0o077).toBe(0);
      expect(readFileSync(join(dataDir, DEV_KEY_FILE), 'utf8').length).toBeGreaterThanOrEqual(32);
      expect(openSecretsBox({ secrets: { key: KEY_A }, dataDir }).keyId).toBe(new SecretsBox(KEY_A).keyId);
    } finally {
      rmSync(join(dataDir, '..'), { recursive: true, force: true });
    }
  });
});
