import { describe, expect, it } from 'vitest';
import { addressRefusal, hostRefusal } from './endpoint-address.js';

describe('endpoint addresses', () => {
  it('refuses private, link-local, shared and unspecified addresses, v4, v6 and v4-mapped, whatever the setting', () => {
    for (const a of ['10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', 'fd00::1', 'fe80::1', '::', '::ffff:10.0.0.1']) {
      expect(addressRefusal(a, true), a).toMatch(/private, link-local or reserved/);
    }
  });

  it('refuses loopback unless allowed, and lets public addresses through', () => {
    for (const a of ['127.0.0.1', '127.9.9.9', '::1', '::ffff:127.0.0.1']) {
      expect(addressRefusal(a, false), a).toMatch(/loopback/);
      expect(addressRefusal(a, true), a).toBeNull();
    }
    expect(addressRefusal('93.184.215.14', false)).toBeNull();
    expect(addressRefusal('2606:4700::1111', false)).toBeNull();
  });

  it('resolves names: localhost is loopback; a name that does not resolve is refused', async () => {
    expect(await hostRefusal('localhost', false)).toMatch(/localhost resolves to .* loopback/);
    expect(await hostRefusal('localhost', true)).toBeNull();
    expect(await hostRefusal('no-such-host.invalid', true)).toMatch(/does not resolve/);
    expect(await hostRefusal('[::1]', false)).toMatch(/loopback/);
  });
});
