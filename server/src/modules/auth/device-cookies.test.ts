import { describe, expect, it } from 'vitest';
import { SecretsBox } from '../../secrets-box.js';
import { DeviceCookies } from './device-cookies.js';

const KEY_A = 'a-test-key-a-test-key-a-test-key-a-test-key';
const KEY_B = 'b-test-key-b-test-key-b-test-key-b-test-key';
const PURPOSE = 'signin-device-cookie';
const devices = (box: SecretsBox) => new DeviceCookies(box.hmacKeys(PURPOSE));

describe('device cookies', () => {
  const cookies = devices(new SecretsBox(KEY_A));

  it('trusts a cookie it issued for the same kind of sign-in and email, and names no one in it', () => {
    const value = cookies.issue('operator', 'maya@example.test');
    expect(value).not.toContain('maya');
    const id = cookies.trusted('operator', value, 'maya@example.test');
    expect(id).toBe(value.split('.')[0]);
    expect(cookies.issue('operator', 'maya@example.test').split('.')[0]).not.toBe(id);
  });

  it("trusts nothing else: another account's, another kind's, altered, forged or malformed cookies", () => {
    const value = cookies.issue('operator', 'maya@example.test');
    const [id, mac] = value.split('.') as [string, string];
    const otherId = cookies.issue('operator', 'maya@example.test').split('.')[0]!;
    for (const untrusted of [
      cookies.trusted('operator', value, 'ben@example.test'),
      cookies.trusted('affiliate', value, 'maya@example.test'),
      cookies.trusted('operator', `${otherId}.${mac}`, 'maya@example.test'),
      cookies.trusted('operator', `${id}.${mac[0] === 'A' ? 'B' : 'A'}${mac.slice(1)}`, 'maya@example.test'),
      cookies.trusted('operator', devices(new SecretsBox(KEY_B)).issue('operator', 'maya@example.test'), 'maya@example.test'),
      cookies.trusted('operator', `${id}.${mac}.x`, 'maya@example.test'),
      cookies.trusted('operator', id, 'maya@example.test'),
      cookies.trusted('operator', '', 'maya@example.test'),
      cookies.trusted('operator', undefined, 'maya@example.test'),
    ]) {
      expect(untrusted).toBeNull();
    }
  });

  it('still trusts cookies signed with SECRETS_KEY_PREVIOUS during a rotation, and signs with SECRETS_KEY', () => {
    const before = devices(new SecretsBox(KEY_A)).issue('affiliate', 'maya@example.test');
    const rotated = devices(new SecretsBox(KEY_B, KEY_A));
    expect(rotated.trusted('affiliate', before, 'maya@example.test')).toBe(before.split('.')[0]);
    const after = rotated.issue('affiliate', 'maya@example.test');
    expect(devices(new SecretsBox(KEY_B)).trusted('affiliate', after, 'maya@example.test')).not.toBeNull();
    expect(devices(new SecretsBox(KEY_A)).trusted('affiliate', after, 'maya@example.test')).toBeNull();
  });

  it('keys each purpose apart', () => {
    const box = new SecretsBox(KEY_A);
    expect(box.hmacKeys(PURPOSE)[0]).not.toEqual(box.hmacKeys('another-purpose')[0]);
  });
});
