import fc from 'fast-check';
import { normaliseIpAddress } from '@login/event-schema';
import { truncateIp } from './ip-truncation';

describe('truncateIp', () => {
  it.each([
    ['199.172.111.135', 4, '199.172.111.0'],
    ['199.172.111.0', 4, '199.172.111.0'],
    ['255.255.255.255', 4, '255.255.255.0'],
    ['0.0.0.1', 4, '0.0.0.0'],
    ['::ffff:10.1.2.3', 4, '10.1.2.0'],
    ['2001:db8:1:2:3:4:5:6', 6, '2001:db8:1::'],
    ['2001:0DB8:0001:ffff::1', 6, '2001:db8:1::'],
    ['2001:db8::1', 6, '2001:db8::'],
    ['fe80::1', 6, 'fe80::'],
    ['::1', 6, '::'],
    ['1:2:3:4:5:6:1.2.3.4', 6, '1:2:3::'],
    ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 6, 'ffff:ffff:ffff::'],
  ] as const)('%s (v%i) → %s', (ip, version, expected) => {
    expect(truncateIp(ip, version)).toBe(expected);
  });

  it.each([
    ['not an address', 'example.com', 4],
    ['v4 given as v6', '1.2.3.4', 6],
    ['mapped v6 given as v6', '::ffff:1.2.3.4', 6],
    ['v6 given as v4', '2001:db8::1', 4],
    ['CIDR', '1.2.3.0/24', 4],
  ] as const)('throws a TypeError for %s, not naming the value', (_name, ip, version) => {
    expect(() => truncateIp(ip, version)).toThrow(TypeError);
    try {
      truncateIp(ip, version);
    } catch (error) {
      expect((error as Error).message).not.toContain(ip);
    }
  });

  it('keeps exactly the first 24 bits of every IPv4', () => {
    fc.assert(
      fc.property(fc.ipV4(), (ip) => {
        const masked = truncateIp(ip, 4);
        expect(masked).toBe(ip.replace(/\.\d+$/, '.0'));
      }),
    );
  });

  it('keeps the first 48 bits of every IPv6, zeroes the rest and is idempotent', () => {
    fc.assert(
      fc.property(fc.ipV6(), (ip) => {
        const normalised = normaliseIpAddress(ip)!;
        const masked = truncateIp(ip, normalised.version);
        expect(truncateIp(masked, normalised.version)).toBe(masked);
        if (normalised.version === 6) {
          expect(masked.endsWith('::')).toBe(true);
          expect(masked.split(':').filter(Boolean).length).toBeLessThanOrEqual(3);
        }
      }),
    );
  });
});
