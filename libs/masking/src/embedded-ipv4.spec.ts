import fc from 'fast-check';
import { formatIpAddress, parseIpAddress } from '@login/event-schema';
import { embeddedIpv4, ipv4At } from './embedded-ipv4';
import type { Ipv4EmbeddingFormat } from './embedded-ipv4';
import { truncateIp } from './ip-truncation';
import { createMasker } from './masker';

const bytesOf = (ip: string) => parseIpAddress(ip)!.bytes;

describe('embeddedIpv4', () => {
  it.each<[string, string, Array<[Ipv4EmbeddingFormat, string]>]>([
    ['6to4', '2002:c612:4d63::5', [['6to4', '198.18.77.99']]],
    [
      'Teredo (RFC 4380 example)',
      '2001:0:4136:e378:8000:63bf:3fff:fdd2',
      [
        ['teredo-server', '65.54.227.120'],
        ['teredo-client', '192.0.2.45'],
      ],
    ],
    ['NAT64 well-known prefix', '64:ff9b::198.51.100.7', [['nat64', '198.51.100.7']]],
    ['IPv4-compatible', '::198.51.100.7', [['ipv4-compatible', '198.51.100.7']]],
    ['IPv4-translated', '::ffff:0:198.51.100.7', [['ipv4-translated', '198.51.100.7']]],
    ['ISATAP', 'fe80::5efe:198.51.100.7', [['isatap', '198.51.100.7']]],
    ['ISATAP, universal bit', '2001:db8::200:5efe:198.51.100.7', [['isatap', '198.51.100.7']]],
    ['a global address', '2001:db8:1:2:3:4:5:6', []],
    ['2001:db8:: is not Teredo', '2001:db8::1', []],
  ])('%s: %s', (_name, ip, expected) => {
    const bytes = bytesOf(ip);
    expect(embeddedIpv4(bytes).map((e) => [e.format, ipv4At(bytes, e)])).toEqual(expected);
  });
});

describe('truncateIp of IPv6 that embeds IPv4', () => {
  it.each([
    // The embedded IPv4 keeps its /24, as the address would have as IPv4.
    ['6to4', '2002:c612:4d63::5', '2002:c612:4d00::'],
    ['6to4 with a subnet', '2002:cb00:7142:1:2:3:4:5', '2002:cb00:7100::'],
    // Teredo keeps its /48 (the server's first 16 bits); the client's address lies beyond it.
    ['Teredo', '2001:0:4136:e378:8000:63bf:3fff:fdd2', '2001:0:4136::'],
    ['NAT64', '64:ff9b::198.51.100.7', '64:ff9b::'],
    ['IPv4-compatible', '::198.51.100.7', '::'],
    ['IPv4-translated', '::ffff:0:198.51.100.7', '::'],
    ['ISATAP', '2001:db8:1:2:200:5efe:198.51.100.7', '2001:db8:1::'],
    ['IPv4-mapped (returned as the IPv4 address)', '::ffff:198.51.100.7', '198.51.100.0'],
  ])('%s: %s → %s', (_name, ip, expected) => {
    const version = parseIpAddress(ip)!.version;
    expect(truncateIp(ip, version)).toBe(expected);
  });

  const hex4 = fc.integer({ min: 0, max: 0xffff });
  const group = hex4.map((n) => n.toString(16));
  const groups = (n: number) => fc.array(group, { minLength: n, maxLength: n }).map((g) => g.join(':'));
  const ipv4 = fc.ipV4();
  // Arbitrary addresses, and addresses of each embedding format with arbitrary contents.
  const anyIpv6 = fc.oneof(
    fc.ipV6(),
    fc.tuple(ipv4, groups(5)).map(([v4, rest]) => `2002:${v4Groups(v4)}:${rest}`),
    fc
      .tuple(ipv4, groups(2), ipv4)
      .map(([server, mid, client]) => `2001:0:${v4Groups(server)}:${mid}:${v4Groups(client, true)}`),
    ipv4.map((v4) => `64:ff9b::${v4}`),
    ipv4.map((v4) => `::${v4}`),
    ipv4.map((v4) => `::ffff:0:${v4}`),
    fc.tuple(groups(4), fc.constantFrom('0', '200'), ipv4).map(([prefix, u, v4]) => `${prefix}:${u}:5efe:${v4}`),
  );

  it('never leaves more than the /24 of an embedded IPv4, nor more than the /48, and is idempotent (property)', () => {
    fc.assert(
      fc.property(anyIpv6, (ip) => {
        const original = parseIpAddress(ip)!;
        const masked = truncateIp(ip, original.version);
        const after = parseIpAddress(masked)!;
        expect(after.version).toBe(original.version);
        expect(truncateIp(masked, after.version)).toBe(masked);
        if (original.version === 4) return;
        expect(after.bytes.subarray(6).every((b) => b === 0)).toBe(true);
        for (const embedding of embeddedIpv4(original.bytes)) {
          const hidden = ipv4At(original.bytes, embedding);
          const left = ipv4At(after.bytes, embedding);
          // Whatever of it survives is at most its /24: its last octet's byte is zeroed...
          expect(after.bytes[embedding.offset + 3]).toBe(0);
          if (!hidden.endsWith('.0')) expect(left).not.toBe(hidden);
          // ...and its full dotted or hex form appears nowhere in the masked text.
          if (!hidden.endsWith('.0')) expect(masked).not.toContain(v4Groups(hidden));
        }
        const sixToFour = embeddedIpv4(original.bytes).find((e) => e.format === '6to4');
        if (sixToFour)
          expect(ipv4At(after.bytes, sixToFour)).toBe(ipv4At(original.bytes, sixToFour).replace(/\.\d+$/, '.0'));
      }),
      { numRuns: 2000 },
    );
  });

  it('never returns the raw address for a host address, whatever the strategy (property)', () => {
    const key = { id: 'k1', secret: 'unit-test-masking-key-0123456789' };
    const maskers = (['truncate', 'hmac', 'redact'] as const).map((ipStrategy) => createMasker({ key, ipStrategy }));
    fc.assert(
      fc.property(anyIpv6, (ip) => {
        const address = parseIpAddress(ip)!;
        // Host bits all zero would make the truncated address equal the raw one: that is a network, not a host.
        fc.pre(address.bytes.subarray(address.version === 4 ? 3 : 6).some((b) => b !== 0));
        for (const masker of maskers) expect(masker.maskIp(ip, address.version)).not.toBe(formatIpAddress(address));
      }),
    );
  });
});

/** An IPv4 address as the two hex groups it occupies in IPv6 text (inverted for Teredo's client). */
function v4Groups(v4: string, inverted = false): string {
  const o = v4.split('.').map((x) => (inverted ? Number(x) ^ 0xff : Number(x)));
  return `${((o[0]! << 8) | o[1]!).toString(16)}:${((o[2]! << 8) | o[3]!).toString(16)}`;
}
