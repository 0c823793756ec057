import { formatIpAddress, parseIpAddress } from '@login/event-schema';
import type { IpAddress } from '@login/event-schema';
import { embeddedIpv4 } from './embedded-ipv4';

/** Prefix lengths kept by truncation: /24 and /48 are the usual "network, not host" granularity. */
export const IPV4_PREFIX_BITS = 24;
export const IPV6_PREFIX_BITS = 48;

function keepPrefix(bytes: Uint8Array, bits: number): Uint8Array {
  const out = new Uint8Array(bytes.length);
  out.set(bytes.subarray(0, bits >> 3));
  return out;
}

/**
 * Bits of an IPv6 address that truncation keeps: /48, shortened so that no embedded IPv4 address keeps more than
 * its /24, as if it had arrived as IPv4 (6to4 `2002:c612:4d63::5` holds 198.18.77.99 in bits 16–47 and becomes
 * `2002:c612:4d00::`, a /40). Formats whose IPv4 lies beyond bit 48 (Teredo's client, NAT64, ISATAP) lose it anyway.
 */
export function ipv6PrefixBits(bytes: Uint8Array): number {
  let bits = IPV6_PREFIX_BITS;
  for (const embedding of embeddedIpv4(bytes)) bits = Math.min(bits, embedding.offset * 8 + IPV4_PREFIX_BITS);
  return bits;
}

/** Parses an address and checks its version; throws a TypeError that does not name the value. */
export function parseIpOfVersion(ip: string, version: 4 | 6): IpAddress {
  const address = parseIpAddress(ip);
  if (address === undefined) throw new TypeError('not an IP address');
  if (address.version !== version) throw new TypeError(`IP address is not IPv${version}`);
  return address;
}

/**
 * IPv4 to /24 (`199.172.111.0`), IPv6 to /48 in canonical compressed form (`2001:db8:1::`), or shorter when the
 * address embeds an IPv4 address (`ipv6PrefixBits`).
 */
export function truncateIp(ip: string, version: 4 | 6): string {
  return truncateAddress(parseIpOfVersion(ip, version));
}

/** `truncateIp` of an address already parsed. */
export function truncateAddress(address: IpAddress): string {
  const b = address.bytes;
  // /24 of IPv4 needs no copy: the host byte is simply written as 0 (the hot path: most logins are IPv4).
  if (address.version === 4) return `${b[0]}.${b[1]}.${b[2]}.0`;
  return formatIpAddress({ version: 6, bytes: keepPrefix(b, ipv6PrefixBits(b)) });
}
