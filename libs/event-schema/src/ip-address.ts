// A small pure IP parser: node:net is off limits in pure libraries, and the rules here are stricter than
// net.isIP anyway (no zone ids, no leading-zero octets) and need a canonical form for masking and pseudonyms.
// Kept over ipaddr.js 2.5.0 after measuring both on testing/ip-address-table.json: ipaddr.js accepts zone ids and
// leading-zero or hex octets in an IPv4 tail, reads IPv4-compatible `::1.2.3.4` as IPv4, and parses 3× (IPv4) to
// 10× (IPv6) slower; wrapping it in our rules would leave as much hand-written code as this.

export interface IpAddress {
  readonly version: 4 | 6;
  /** 4 bytes for IPv4, 16 for IPv6, network order. Read-only by convention: a parsed event shares them. */
  readonly bytes: Uint8Array;
}

/** Longest accepted text: eight 4-digit groups with an IPv4 tail, e.g. `ffff:…:ffff:255.255.255.255`. */
export const IP_ADDRESS_MAX_LENGTH = 45;

const DOT = 0x2e;
const COLON = 0x3a;
const ZERO = 0x30;
const NINE = 0x39;

function hexValue(code: number): number {
  if (code >= ZERO && code <= NINE) return code - ZERO;
  const lower = code | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

/** The dotted IPv4 address in text[start, end) as an unsigned 32-bit number, or -1 when not strict dotted-quad. */
function parseIpv4(text: string, start: number, end: number): number {
  let result = 0;
  let octet = 0;
  let digits = 0;
  let parts = 0;
  for (let i = start; i <= end; i++) {
    const code = i === end ? DOT : text.charCodeAt(i);
    if (code === DOT) {
      if (digits === 0 || parts === 4) return -1;
      result = result * 256 + octet;
      parts++;
      octet = 0;
      digits = 0;
    } else if (code >= ZERO && code <= NINE) {
      // Leading zeros are ambiguous (octal in some parsers), so `01.2.3.4` is rejected.
      if (digits === 1 && octet === 0) return -1;
      octet = octet * 10 + (code - ZERO);
      digits++;
      if (octet > 255) return -1;
    } else {
      return -1;
    }
  }
  return parts === 4 ? result : -1;
}

function ipv4Bytes(value: number): Uint8Array {
  const bytes = new Uint8Array(4);
  bytes[0] = value >>> 24;
  bytes[1] = (value >>> 16) & 0xff;
  bytes[2] = (value >>> 8) & 0xff;
  bytes[3] = value & 0xff;
  return bytes;
}

function parseIpv6(text: string): Uint8Array | undefined {
  const length = text.length;
  const groups = new Uint16Array(8);
  let count = 0;
  let gapAt = -1;
  let i = 0;
  if (text.charCodeAt(0) === COLON) {
    if (text.charCodeAt(1) !== COLON) return undefined;
    gapAt = 0;
    i = 2;
  }
  while (i < length) {
    let end = i;
    let value = 0;
    let sawDot = false;
    while (end < length) {
      const code = text.charCodeAt(end);
      if (code === COLON) break;
      if (code === DOT) sawDot = true;
      end++;
    }
    if (sawDot) {
      // An IPv4 tail is only allowed as the last 32 bits.
      if (end !== length || count > 6) return undefined;
      const tail = parseIpv4(text, i, end);
      if (tail < 0) return undefined;
      groups[count++] = tail >>> 16;
      groups[count++] = tail & 0xffff;
      break;
    }
    const width = end - i;
    if (width === 0 || width > 4 || count === 8) return undefined;
    for (let k = i; k < end; k++) {
      const digit = hexValue(text.charCodeAt(k));
      if (digit < 0) return undefined;
      value = (value << 4) | digit;
    }
    groups[count++] = value;
    if (end === length) break;
    if (text.charCodeAt(end + 1) === COLON) {
      if (gapAt >= 0) return undefined;
      gapAt = count;
      i = end + 2;
    } else {
      i = end + 1;
      if (i === length) return undefined;
    }
  }
  if (gapAt < 0 ? count !== 8 : count > 7) return undefined;
  const bytes = new Uint8Array(16);
  const shift = 8 - count;
  groups.forEach((group, g) => {
    if (g >= count) return;
    const slot = gapAt >= 0 && g >= gapAt ? g + shift : g;
    bytes[slot * 2] = group >> 8;
    bytes[slot * 2 + 1] = group & 0xff;
  });
  return bytes;
}

function isIpv4Mapped(bytes: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (bytes[i] !== 0) return false;
  return bytes[10] === 0xff && bytes[11] === 0xff;
}

/**
 * Parses an IPv4 (strict dotted-quad) or IPv6 (RFC 4291 text, optional IPv4 tail) address.
 * IPv4-mapped IPv6 (`::ffff:1.2.3.4`) is returned as IPv4. Ports, CIDR suffixes, zone ids, brackets,
 * hostnames, whitespace and leading-zero octets give `undefined`.
 */
export function parseIpAddress(text: string): IpAddress | undefined {
  if (typeof text !== 'string' || text.length < 2 || text.length > IP_ADDRESS_MAX_LENGTH) return undefined;
  if (text.indexOf(':') < 0) {
    const value = parseIpv4(text, 0, text.length);
    return value < 0 ? undefined : { version: 4, bytes: ipv4Bytes(value) };
  }
  const bytes = parseIpv6(text);
  if (bytes === undefined) return undefined;
  if (isIpv4Mapped(bytes)) return { version: 4, bytes: bytes.slice(12) };
  return { version: 6, bytes };
}

export function isIpAddress(text: string): boolean {
  return parseIpAddress(text) !== undefined;
}

/** Canonical text: dotted-quad for IPv4, RFC 5952 for IPv6 (lower case, longest zero run compressed). */
export function formatIpAddress(address: IpAddress): string {
  const b = address.bytes;
  // A template, not TypedArray#join: this runs for every event and join is several times slower.
  if (address.version === 4) return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
  const groups: number[] = [];
  for (let g = 0; g < 8; g++) groups.push(((b[g * 2] ?? 0) << 8) | (b[g * 2 + 1] ?? 0));
  let bestStart = -1;
  let bestLength = 0;
  for (let g = 0; g < 8;) {
    if (groups[g] !== 0) {
      g++;
      continue;
    }
    let end = g;
    while (end < 8 && groups[end] === 0) end++;
    // RFC 5952 §4.2.2: a single zero group is not compressed; the first of equal runs wins.
    if (end - g > bestLength && end - g >= 2) {
      bestStart = g;
      bestLength = end - g;
    }
    g = end;
  }
  if (bestStart < 0) return groups.map(hex).join(':');
  const head = groups.slice(0, bestStart).map(hex).join(':');
  const tail = groups
    .slice(bestStart + bestLength)
    .map(hex)
    .join(':');
  return `${head}::${tail}`;
}

function hex(group: number): string {
  return group.toString(16);
}

/** Parses and returns the canonical text and version, or `undefined` when not an accepted address. */
export function normaliseIpAddress(text: string): { ip: string; version: 4 | 6 } | undefined {
  const address = parseIpAddress(text);
  return address === undefined ? undefined : { ip: formatIpAddress(address), version: address.version };
}
