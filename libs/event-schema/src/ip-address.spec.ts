import fc from 'fast-check';
import { formatIpAddress, isIpAddress, normaliseIpAddress, parseIpAddress } from './ip-address';

describe('parseIpAddress / normaliseIpAddress', () => {
  it.each([
    ['199.172.111.135', '199.172.111.135', 4],
    ['0.0.0.0', '0.0.0.0', 4],
    ['255.255.255.255', '255.255.255.255', 4],
    ['10.0.0.1', '10.0.0.1', 4],
    ['::ffff:1.2.3.4', '1.2.3.4', 4],
    ['::FFFF:1.2.3.4', '1.2.3.4', 4],
    ['0:0:0:0:0:ffff:1.2.3.4', '1.2.3.4', 4],
    ['::ffff:0102:0304', '1.2.3.4', 4],
    ['2001:db8::1', '2001:db8::1', 6],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1', 6],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1', 6],
    ['::', '::', 6],
    ['::1', '::1', 6],
    ['1::', '1::', 6],
    ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0', 6],
    ['::2:3:4:5:6:7:8', '0:2:3:4:5:6:7:8', 6],
    ['1:0:0:2:0:0:0:3', '1:0:0:2::3', 6],
    ['1:0:0:2:0:0:3:4', '1::2:0:0:3:4', 6],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1', 6],
    ['fe80::1', 'fe80::1', 6],
    ['::1.2.3.4', '::102:304', 6],
    ['64:ff9b::192.0.2.33', '64:ff9b::c000:221', 6],
    ['1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:102:304', 6],
  ])('%s → %s (v%i)', (text, canonical, version) => {
    expect(normaliseIpAddress(text)).toEqual({ ip: canonical, version });
    expect(isIpAddress(text)).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['single char', '1'],
    ['hostname', 'example.com'],
    ['localhost', 'localhost'],
    ['three octets', '1.2.3'],
    ['five octets', '1.2.3.4.5'],
    ['octet > 255', '256.1.1.1'],
    ['leading zero octet', '01.2.3.4'],
    ['leading zero last octet', '1.2.3.04'],
    ['zero-padded zero', '1.2.3.00'],
    ['empty octet', '1..3.4'],
    ['trailing dot', '1.2.3.4.'],
    ['port v4', '1.2.3.4:80'],
    ['CIDR v4', '1.2.3.0/24'],
    ['CIDR v6', '2001:db8::/32'],
    ['zone id', 'fe80::1%eth0'],
    ['bracketed', '[::1]'],
    ['bracketed with port', '[::1]:8080'],
    ['leading space', ' 1.2.3.4'],
    ['trailing newline', '1.2.3.4\n'],
    ['hex octet', '0x7f.0.0.1'],
    ['integer form', '2130706433'],
    ['sign', '+1.2.3.4'],
    ['two gaps', '1::2::3'],
    ['triple colon', ':::'],
    ['leading single colon', ':1:2:3:4:5:6:7'],
    ['trailing single colon', '1:2:3:4:5:6:7:'],
    ['nine groups', '1:2:3:4:5:6:7:8:9'],
    ['seven groups, no gap', '1:2:3:4:5:6:7'],
    ['eight groups and gap', '1:2:3:4:5:6:7::8'],
    ['five hex digits', '12345::'],
    ['non-hex', 'g::1'],
    ['v4 tail not last', '::1.2.3.4:1'],
    ['v4 tail too many groups', '1:2:3:4:5:6:7:1.2.3.4'],
    ['v4 tail with leading zero', '::ffff:1.2.3.01'],
    ['v4 tail bad', '::ffff:1.2.3'],
    ['fullwidth digits', '１.２.３.４'],
    ['too long', `${'0000:'.repeat(7)}0000${' '.repeat(10)}`],
  ])('rejects %s', (_name, text) => {
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
      fc.property(fc.string({ maxLength: 45 }).filter((s) => /[^0-9a-fA-F.:]/.test(s)), (text) => {
        expect(parseIpAddress(text)).toBeUndefined();
      }),
    );
  });

  it('formats the bytes it parsed (v4 and v6)', () => {
    expect(formatIpAddress({ version: 4, bytes: Uint8Array.of(199, 172, 111, 0) })).toBe('199.172.111.0');
    const v6 = new Uint8Array(16);
    v6.set([0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01]);
    expect(formatIpAddress({ version: 6, bytes: v6 })).toBe('2001:db8:1::');
  });
});

describe('parseIpAddress remembers only the last answer, never a wrong one', () => {
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
