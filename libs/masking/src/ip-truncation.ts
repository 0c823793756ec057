import { formatIpAddress, parseIpAddress } from '@login/event-schema';

/** Prefix lengths kept by truncation: /24 and /48 are the usual "network, not host" granularity. */
export const IPV4_PREFIX_BITS = 24;
export const IPV6_PREFIX_BITS = 48;

function keepPrefix(bytes: Uint8Array, bits: number): Uint8Array {
  const out = new Uint8Array(bytes.length);
  out.set(bytes.subarray(0, bits >> 3));
  return out;
}

/** Parses an address, checks its version and returns its canonical text; throws without naming the value. */
export function canonicalIp(ip: string, version: 4 | 6): { version: 4 | 6; bytes: Uint8Array; text: string } {
  const address = parseIpAddress(ip);
  if (address === undefined) throw new TypeError('not an IP address');
  if (address.version !== version) throw new TypeError(`IP address is not IPv${version}`);
  return { version: address.version, bytes: address.bytes, text: formatIpAddress(address) };
}

/** IPv4 to /24 (`199.172.111.0`), IPv6 to /48 in canonical compressed form (`2001:db8:1::`). */
export function truncateIp(ip: string, version: 4 | 6): string {
  const address = canonicalIp(ip, version);
  const bits = address.version === 4 ? IPV4_PREFIX_BITS : IPV6_PREFIX_BITS;
  return formatIpAddress({ version: address.version, bytes: keepPrefix(address.bytes, bits) });
}
