import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { lookup } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import { BlockList, isIP } from 'node:net';

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

/** Addresses that are not the public internet: private, shared (CGNAT), link-local (cloud metadata), unspecified, multicast, reserved. */
const internal = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const) {
  internal.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [
  ['::', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  internal.addSubnet(net, bits, 'ipv6');
}

/** Why an endpoint may not be sent to at this address, or null. IPv4-mapped IPv6 addresses count as their IPv4 address. */
export function addressRefusal(address: string, allowLoopback: boolean): string | null {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  const ip = mapped ?? address;
  const family = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
  if (loopback.check(ip, family)) return allowLoopback ? null : `${address} is a loopback address`;
  if (internal.check(ip, family)) return `${address} is a private, link-local or reserved address`;
  return null;
}

/** Every address the host resolves to must be allowed (a host with one internal address could be steered to it). */
export async function hostRefusal(hostname: string, allowLoopback: boolean): Promise<string | null> {
  const host = hostname.replace(/^\[|\]$/g, '');
  let addresses: LookupAddress[];
  try {
    addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await lookup(host, { all: true });
  } catch {
    return `${host} does not resolve`;
  }
  for (const a of addresses) {
    const why = addressRefusal(a.address, allowLoopback);
    if (why) return `${host} resolves to ${why}`;
  }
  return null;
}

/**
 * A `lookup` for http.request that refuses internal addresses at connection time too, so a name
 * re-pointed after the endpoint was checked (DNS rebinding) still reaches no internal service.
 */
export function guardedLookup(allowLoopback: boolean): LookupFunction {
  return (hostname: string, options: LookupOptions, callback: (...args: never[]) => void) => {
    const done = callback as unknown as (err: Error | null, address?: string | LookupAddress[], family?: number) => void;
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return done(err);
      const why = addresses.map((a) => addressRefusal(a.address, allowLoopback)).find(Boolean);
      if (why) return done(Object.assign(new Error(`refused: ${hostname} resolves to ${why}`), { code: 'EREFUSED_ADDRESS' }));
      if (options.all) return done(null, addresses);
      done(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}
