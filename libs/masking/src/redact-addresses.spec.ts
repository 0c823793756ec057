import fc from 'fast-check';
import { REDACTED_ADDRESS, redactIpLiterals } from './redact-addresses';

const R = REDACTED_ADDRESS;

describe('redactIpLiterals', () => {
  it.each([
    ['an IPv4 address', 'client 203.0.113.9 refused', `client ${R} refused`],
    ['an IPv4 address with its port', 'peer 10.0.0.1:54321 closed', `peer ${R} closed`],
    ['an IPv4 address ending a sentence', 'login from 1.2.3.4.', `login from ${R}.`],
    ['a list of addresses', 'x-forwarded-for=203.0.113.9, 198.51.100.1', `x-forwarded-for=${R}, ${R}`],
    ['addresses without spaces', '10.0.0.1,10.0.0.2', `${R},${R}`],
    ['an IPv6 address', 'from 2001:db8::1 ok', `from ${R} ok`],
    ['a full IPv6 address', '2001:0db8:0000:0000:0000:ff00:0042:8329', R],
    ['an IPv6 address in brackets with a port', 'connect [2001:db8::1]:443', `connect ${R}`],
    ['an IPv4-mapped IPv6 address', 'ip ::ffff:1.2.3.4', `ip ${R}`],
    ['a link-local address with a zone', 'fe80::1%eth0 up', `${R} up`],
    ['upper-case hex', 'FROM 2001:DB8::A', `FROM ${R}`],
    ['an address after `=` or `:`', 'ip=1.2.3.4 addr:5.6.7.8', `ip=${R} addr:${R}`],
  ])('redacts %s', (_name, text, expected) => {
    expect(redactIpLiterals(text)).toBe(expected);
  });

  it.each([
    ['a version', 'app 1.2.3 started'],
    ['a two-part version', 'node 20.11'],
    ['a five-part number', '1.2.3.4.5'],
    ['a version glued to a letter', 'v10.2.33.4'],
    ['an ISO timestamp', '2026-12-07T11:25:03.123Z'],
    ['a clock time', 'at 11:25:03'],
    ['a MAC-like text (not an address)', 'aa:bb:cc:dd:ee:ff'],
    ['a C++ scope', 'Class::method failed'],
    ['`::` as punctuation', 'options :: none'],
    ['an out-of-range octet', 'ip 256.1.1.1'],
    ['a decimal', 'took 12.5 ms'],
    ['text without dots or colons', 'nothing here'],
    ['the IPv4 loopback (where a service bound, a local broker)', 'broker 127.0.0.1:9092 answers'],
    ['every interface', 'listening on 0.0.0.0:8080'],
    ['the IPv6 loopback', 'bound ::1'],
  ])('leaves %s alone', (_name, text) => {
    expect(redactIpLiterals(text)).toBe(text);
  });

  it('never lets a generated address through, wherever it sits in a text', () => {
    const address = fc.oneof(
      fc.ipV4(),
      fc.ipV6(),
      fc.ipV4().map((ip) => `::ffff:${ip}`),
    );
    const before = fc.constantFrom('', ' ', 'ip=', 'from ', ', ', '"', '(', '[');
    const after = fc.constantFrom('', ' ', ', ', '"', ')', '.', ' ms');
    fc.assert(
      fc.property(before, address, after, (head, ip, tail) => {
        fc.pre(ip !== '::' && ip !== '::1' && ip !== '0.0.0.0' && !ip.startsWith('127.'));
        const redacted = redactIpLiterals(`${head}${ip}${tail}`);
        expect(redacted).toContain(R);
        expect(redacted.includes(ip)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('stays linear on long hostile texts', () => {
    const started = performance.now();
    for (const text of ['1.'.repeat(100_000), ':'.repeat(200_000), 'a:'.repeat(100_000), '1:1.'.repeat(50_000)]) {
      redactIpLiterals(text);
    }
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
