// IPv6 formats that carry an IPv4 address inside them. Masking an IPv6 address to its /48 is not enough for them:
// 6to4 puts the whole IPv4 address in bits 16–47, so its /48 IS the IPv4 address.

export type Ipv4EmbeddingFormat =
  'ipv4-compatible' | 'ipv4-translated' | 'nat64' | '6to4' | 'teredo-server' | 'teredo-client' | 'isatap';

export interface Ipv4Embedding {
  readonly format: Ipv4EmbeddingFormat;
  /** Byte offset of the IPv4 address's 4 bytes in the 16 of the IPv6 address. */
  readonly offset: number;
  /** Teredo stores its client's address with every bit inverted. */
  readonly inverted: boolean;
}

function zeros(bytes: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (bytes[i] !== 0) return false;
  return true;
}

/**
 * The IPv4 addresses embedded in a 16-byte IPv6 address by the formats that define one: IPv4-compatible `::/96`
 * (RFC 4291, deprecated), IPv4-translated `::ffff:0:0:0/96` (RFC 2765), the NAT64 well-known prefix `64:ff9b::/96`
 * (RFC 6052), 6to4 `2002::/16` (RFC 3056), Teredo `2001::/32` (RFC 4380: server, and client inverted) and ISATAP
 * interface ids `…:0:5efe:a.b.c.d` / `…:200:5efe:a.b.c.d` (RFC 5214). IPv4-mapped `::ffff:0:0/96` is not listed:
 * the parser already turns it into the IPv4 address itself.
 */
export function embeddedIpv4(bytes: Uint8Array): Ipv4Embedding[] {
  const found: Ipv4Embedding[] = [];
  const b = (i: number) => bytes[i] ?? 0;
  if (zeros(bytes, 0, 12)) found.push({ format: 'ipv4-compatible', offset: 12, inverted: false });
  if (zeros(bytes, 0, 8) && b(8) === 0xff && b(9) === 0xff && b(10) === 0 && b(11) === 0) {
    found.push({ format: 'ipv4-translated', offset: 12, inverted: false });
  }
  if (b(0) === 0x00 && b(1) === 0x64 && b(2) === 0xff && b(3) === 0x9b && zeros(bytes, 4, 12)) {
    found.push({ format: 'nat64', offset: 12, inverted: false });
  }
  if (b(0) === 0x20 && b(1) === 0x02) found.push({ format: '6to4', offset: 2, inverted: false });
  if (b(0) === 0x20 && b(1) === 0x01 && b(2) === 0 && b(3) === 0) {
    found.push(
      { format: 'teredo-server', offset: 4, inverted: false },
      { format: 'teredo-client', offset: 12, inverted: true },
    );
  }
  if ((b(8) === 0x00 || b(8) === 0x02) && b(9) === 0 && b(10) === 0x5e && b(11) === 0xfe) {
    found.push({ format: 'isatap', offset: 12, inverted: false });
  }
  return found;
}

/** The embedded IPv4 address as dotted text (un-inverted), e.g. for tests and diagnostics. */
export function ipv4At(bytes: Uint8Array, embedding: Ipv4Embedding): string {
  const octets: number[] = [];
  for (let i = 0; i < 4; i++) {
    const byte = bytes[embedding.offset + i] ?? 0;
    octets.push(embedding.inverted ? byte ^ 0xff : byte);
  }
  return octets.join('.');
}
