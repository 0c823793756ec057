import fc from 'fast-check';
import { normaliseIpAddress } from '@login/event-schema';
import { IP_ADDRESS_TABLE } from '@login/event-schema/testing';
import { truncateIp } from './ip-truncation';

describe('truncateIp', () => {
  it.each(IP_ADDRESS_TABLE.valid.map(([ip, , version, truncated]) => [ip, version, truncated] as const))(
    '%s (v%i) → %s',
    (ip, version, expected) => {
      expect(truncateIp(ip, version)).toBe(expected);
    },
  );

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
