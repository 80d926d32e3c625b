import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** A browser stays a known device of an account this long after its last sign-in there. */
export const DEVICE_COOKIE_MAX_AGE_SECONDS = 180 * 24 * 3600;

export type DeviceKind = 'operator' | 'affiliate';

const ID = /^[A-Za-z0-9_-]{22}$/;

/**
 * Device cookies, OWASP's answer to guessing that would hold the owner up: a browser that signed
 * in gets `<random device id>.<HMAC of kind, id and email>`, and a later sign-in to that email
 * presenting it is counted under its own key (`device:<id>`), so an attacker's failures on the
 * email do not make the owner wait. The email is bound by the MAC, not written in the cookie.
 * Only a sign-in proves a device: forged, altered or another account's cookies are untrusted.
 */
export class DeviceCookies {
  /** `keys[0]` signs; every key verifies (SECRETS_KEY, then SECRETS_KEY_PREVIOUS). */
  constructor(private readonly keys: Buffer[]) {}

  /** A new device cookie's value for a browser that has just signed in to this email. */
  issue(kind: DeviceKind, email: string): string {
    const id = randomBytes(16).toString('base64url');
    return `${id}.${this.mac(this.keys[0]!, kind, id, email).toString('base64url')}`;
  }

  /** The device id when `value` was issued to a sign-in of this kind to this email, else null. */
  trusted(kind: DeviceKind, value: string | undefined, email: string): string | null {
    const [id, mac, ...rest] = value?.split('.') ?? [];
    if (!id || !mac || rest.length || !ID.test(id)) return null;
    const given = Buffer.from(mac, 'base64url');
    const valid = this.keys.some((key) => {
      const expected = this.mac(key, kind, id, email);
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
    return valid ? id : null;
  }

  private mac(key: Buffer, kind: DeviceKind, id: string, email: string): Buffer {
    return createHmac('sha256', key).update(`${kind}\n${id}\n${email}`).digest();
  }
}
