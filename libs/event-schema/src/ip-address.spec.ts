import fc from 'fast-check';
import { formatIpAddress, isIpAddress, normaliseIpAddress, parseIpAddress } from './ip-address';
import { IP_ADDRESS_TABLE } from './testing';

describe('parseIpAddress / normaliseIpAddress', () => {
  it.each(IP_ADDRESS_TABLE.valid)('%s → %s (v%i)', (text, canonical, version) => {
    expect(normaliseIpAddress(text)).toEqual({ ip: canonical, version });
    expect(isIpAddress(text)).toBe(true);
  });

  it.each(IP_ADDRESS_TABLE.invalid)('rejects %s', (_name, text) => {
    expect(parseIpAddress(text)).toBeUndefined();
    expect(isIpAddress(text)).toBe(false);
  });

  it('rejects non-strings without throwing', () => {
    expect(parseIpAddress(42 as unknown as string)).toBeUndefined();
    expect(parseIpAddress(undefined as unknown as string)).toBeUndefined();
  });

  it('accepts every fast-check IPv4 and gives it back unchanged', () => {
    fc.assert(
      fc.property(fc.ipV4(), (ip) => {
        expect(normaliseIpAddress(ip)).toEqual({ ip, version: 4 });
      }),
    );
  });

  it('accepts every fast-check IPv6 and its canonical form is a fixed point', () => {
    fc.assert(
      fc.property(fc.ipV6(), (ip) => {
        const first = normaliseIpAddress(ip);
        expect(first).toBeDefined();
        const second = normaliseIpAddress(first!.ip);
        expect(second).toEqual(first);
        const again = parseIpAddress(first!.ip)!;
        expect(formatIpAddress(again)).toBe(first!.ip);
      }),
    );
  });

  it('canonical IPv6 is lower case, has at most one gap and no leading zeros', () => {
    fc.assert(
      fc.property(fc.ipV6(), (ip) => {
        const result = normaliseIpAddress(ip)!;
        if (result.version === 4) return;
        expect(result.ip).toBe(result.ip.toLowerCase());
        expect(result.ip.split('::').length).toBeLessThanOrEqual(2);
        for (const group of result.ip.split(':')) expect(group).toMatch(/^(?:0|[1-9a-f][0-9a-f]{0,3})?$/);
      }),
    );
  });

  it('maps every IPv4-mapped IPv6 back to its IPv4', () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.constantFrom('::ffff:', '::FFFF:', '0:0:0:0:0:ffff:', '0::ffff:'), (ip, prefix) => {
        expect(normaliseIpAddress(prefix + ip)).toEqual({ ip, version: 4 });
      }),
    );
  });

  it('never throws on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (text) => {
        const result = parseIpAddress(text);
        if (result !== undefined) expect([4, 6]).toContain(result.version);
      }),
    );
  });

  it('never accepts strings with characters outside hex digits, dots and colons', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 45 }).filter((s) => /[^0-9a-fA-F.:]/.test(s)),
        (text) => {
          expect(parseIpAddress(text)).toBeUndefined();
        },
      ),
    );
  });

  it('formats the bytes it parsed (v4 and v6)', () => {
    expect(formatIpAddress({ version: 4, bytes: Uint8Array.of(199, 172, 111, 0) })).toBe('199.172.111.0');
    const v6 = new Uint8Array(16);
    v6.set([0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01]);
    expect(formatIpAddress({ version: 6, bytes: v6 })).toBe('2001:db8:1::');
  });
});

describe('parseIpAddress answers each text on its own (it remembers nothing)', () => {
  it('alternating texts, invalid texts and non-strings each get their own answer', () => {
    const sequence: Array<[unknown, string | undefined]> = [
      ['10.1.2.3', '10.1.2.3'],
      ['10.1.2.3', '10.1.2.3'],
      ['2001:DB8::1', '2001:db8::1'],
      ['not an ip', undefined],
      ['not an ip', undefined],
      [undefined, undefined],
      ['10.1.2.3', '10.1.2.3'],
      [42, undefined],
      ['::ffff:1.2.3.4', '1.2.3.4'],
    ];
    for (const [text, expected] of sequence) {
      const address = parseIpAddress(text as string);
      expect(address === undefined ? undefined : formatIpAddress(address)).toBe(expected);
    }
  });
});
