import fc from 'fast-check';
import { DEFAULT_PARSE_LIMITS, PSEUDONYM_PATTERN, parseIpAddress, parseLoginEvent } from '@login/event-schema';
import type { IpAddress, LoginEvent } from '@login/event-schema';
import { CONTRACT_EXAMPLE_EVENT, IP_ADDRESS_TABLE } from '@login/event-schema/testing';
import { createMasker } from './masker';
import { PII_RULES, REDACTED_IP } from './pii-rules';
import type { IpMaskStrategy, Masker } from './types';

const KEY = { id: 'k1', secret: 'masking-test-secret' };
const STRATEGIES: readonly IpMaskStrategy[] = ['truncate', 'hmac', 'redact'];
const pseudonym = new RegExp(PSEUDONYM_PATTERN);
const IP_VECTOR = 'k1.v2:a11Gt-a7404kh78x79xNYo';

describe('createMasker', () => {
  describe.each(STRATEGIES)('ipStrategy %s', (ipStrategy) => {
    const masker = createMasker({ key: KEY, ipStrategy });

    it('pseudonymises device_id with the key id', () => {
      const masked = masker.maskDeviceId('593-47-5928');
      expect(masked).toMatch(/^k1\.v2:[A-Za-z0-9_-]{22}$/);
      expect(masked).not.toContain('593');
    });

    it('throws a TypeError that does not name an invalid ip', () => {
      expect(() => masker.maskIp('not-an-ip', 4)).toThrow(TypeError);
      expect(() => masker.maskIp('1.2.3.4', 6)).toThrow(TypeError);
      try {
        masker.maskIp('10.20.30.40:80', 4);
      } catch (error) {
        expect((error as Error).message).not.toContain('10.20');
      }
    });

    it('maskEvent masks exactly the fields PII_RULES names, each by its strategy', () => {
      const event = CONTRACT_EXAMPLE_EVENT;
      const masked = masker.maskEvent(event);
      expect(Object.keys(masked).sort()).toEqual(PII_RULES.map((rule) => rule.field).sort());
      expect(masked).toEqual({
        device_id: masker.maskDeviceId(event.device_id),
        ip: masker.maskIp(event.ip, event.ip_version),
      });
    });

    it('maskEvent throws a TypeError for an event without its parsed address (copied by a spread)', () => {
      expect(() => masker.maskEvent({ ...CONTRACT_EXAMPLE_EVENT })).toThrow(TypeError);
    });

    it('masks a parsed address (maskAddress) exactly as its text (maskIp)', () => {
      for (const [ip, , version] of IP_ADDRESS_TABLE.valid) {
        expect(masker.maskAddress(parseIpAddress(ip)!)).toBe(masker.maskIp(ip, version));
      }
    });

    it('throws a TypeError for something that is not a parsed address (an event copied without it)', () => {
      expect(() => masker.maskAddress(undefined as unknown as IpAddress)).toThrow(TypeError);
      expect(() => masker.maskAddress({ version: 4, bytes: new Uint8Array(16) })).toThrow(TypeError);
      expect(() => masker.maskAddress({ version: 6, bytes: new Uint8Array(4) })).toThrow(TypeError);
    });
  });

  it.each([
    ['truncate', '199.172.111.135', 4, '199.172.111.0'],
    ['truncate', '2001:db8:1:2::1', 6, '2001:db8:1::'],
    ['redact', '199.172.111.135', 4, REDACTED_IP],
    ['redact', '2001:db8:1:2::1', 6, REDACTED_IP],
  ] as const)('%s masks %s (v%i) as %s', (ipStrategy, ip, version, expected) => {
    expect(createMasker({ key: KEY, ipStrategy }).maskIp(ip, version)).toBe(expected);
  });

  describe('hmac ip strategy', () => {
    const masker = createMasker({ key: KEY, ipStrategy: 'hmac' });

    it('gives a keyed pseudonym for both families', () => {
      expect(masker.maskIp('199.172.111.135', 4)).toMatch(pseudonym);
      expect(masker.maskIp('2001:db8::1', 6)).toMatch(pseudonym);
    });

    it('gives one pseudonym per address, however it is spelled', () => {
      expect(masker.maskIp('2001:DB8:0:0::1', 6)).toBe(masker.maskIp('2001:db8::1', 6));
      expect(masker.maskIp('::ffff:1.2.3.4', 4)).toBe(masker.maskIp('1.2.3.4', 4));
    });

    it('keeps ip and device_id pseudonyms apart: one text under one key is two pseudonyms', () => {
      expect(masker.maskDeviceId('1.2.3.4')).not.toBe(masker.maskIp('1.2.3.4', 4));
      expect(masker.maskDeviceId('2001:db8::1')).not.toBe(masker.maskIp('2001:db8::1', 6));
      // Pinned: HMAC-SHA-256('masking-test-secret', 'ip\\0' + canonical text), under `<key id>.v2:`.
      expect(masker.maskIp('1.2.3.4', 4)).toBe(IP_VECTOR);
    });

    it('separates addresses in the same /24', () => {
      expect(masker.maskIp('1.2.3.4', 4)).not.toBe(masker.maskIp('1.2.3.5', 4));
    });

    it('differs per key and is stable per key', () => {
      const same = createMasker({ key: { ...KEY }, ipStrategy: 'hmac' });
      const other = createMasker({ key: { id: 'k1', secret: 'other-secret' }, ipStrategy: 'hmac' });
      expect(same.maskIp('1.2.3.4', 4)).toBe(masker.maskIp('1.2.3.4', 4));
      expect(other.maskIp('1.2.3.4', 4)).not.toBe(masker.maskIp('1.2.3.4', 4));
      expect(other.maskDeviceId('d')).not.toBe(masker.maskDeviceId('d'));
    });
  });

  it('rejects an unknown strategy and a bad key at construction', () => {
    expect(() => createMasker({ key: KEY, ipStrategy: 'hash' as IpMaskStrategy })).toThrow(TypeError);
    expect(() => createMasker({ key: { id: 'bad:id', secret: 's' }, ipStrategy: 'truncate' })).toThrow(TypeError);
  });

  it('cannot be altered by a caller', () => {
    const masker = createMasker({ key: KEY, ipStrategy: 'truncate' });
    expect(Object.isFrozen(masker)).toBe(true);
  });
});

describe('no raw device_id or ip survives masking (property)', () => {
  const NOW_MS = Date.UTC(2024, 0, 1);
  // Raw device ids carry `#`, which no masked or other field can contain, so a hit can only be a leak.
  const rawEvent = fc.record({
    user_id: fc.uuid(),
    app_version: fc.array(fc.nat({ max: 99 }), { minLength: 3, maxLength: 3 }).map((parts) => parts.join('.')),
    device_type: fc.constantFrom('android', 'iOS', 'web'),
    ip: fc.oneof(
      fc.ipV4(),
      fc.ipV6(),
      fc.ipV4().map((ip) => `::ffff:${ip}`),
    ),
    locale: fc.constantFrom('RU', 'en-US'),
    device_id: fc.string({ minLength: 1, maxLength: 200 }).map((s) => `#${s}`.slice(0, 256)),
    timestamp: fc.integer({ min: 946_684_800, max: NOW_MS / 1000 }).map(String),
  });

  function maskEvent(masker: Masker, event: LoginEvent): Record<string, unknown> {
    return { ...event, device_id: masker.maskDeviceId(event.device_id), ip: masker.maskIp(event.ip, event.ip_version) };
  }

  it.each(STRATEGIES)('with ipStrategy %s', (ipStrategy) => {
    const masker = createMasker({ key: KEY, ipStrategy });
    fc.assert(
      fc.property(rawEvent, (raw) => {
        const parsed = parseLoginEvent(Buffer.from(JSON.stringify(raw)), { ...DEFAULT_PARSE_LIMITS, nowMs: NOW_MS });
        if (!parsed.ok) throw new Error(`generated event rejected: ${parsed.failure.message}`);
        const masked = maskEvent(masker, parsed.event);
        // A /24 or /48 network address is its own truncation: nothing is hidden there, so nothing can leak.
        fc.pre(masked['ip'] !== parsed.event.ip);
        const json = JSON.stringify(masked);
        for (const value of Object.values(masked)) {
          if (typeof value === 'string') expect(value.includes(raw.device_id)).toBe(false);
        }
        expect(json.includes(JSON.stringify(raw.device_id).slice(1, -1))).toBe(false);
        expect(json.includes(raw.ip)).toBe(false);
        expect(json.includes(`"${parsed.event.ip}"`)).toBe(false);
        expect(masked['device_id']).toMatch(pseudonym);
      }),
      { numRuns: 300 },
    );
  });
});

describe('createMasker pseudonym memo', () => {
  it('a memoised masker answers exactly what an unmemoised one does, also after its generations flip', () => {
    const memoised = createMasker({ key: KEY, ipStrategy: 'hmac', pseudonymMemoEntries: 8 });
    const plain = createMasker({ key: KEY, ipStrategy: 'hmac', pseudonymMemoEntries: 0 });
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('593-47-5928', '111-22-3333', 'a', 'b', 'c', 'd', 'e'), { maxLength: 64 }),
        (ids) => {
          for (const id of ids) expect(memoised.maskDeviceId(id)).toBe(plain.maskDeviceId(id));
        },
      ),
    );
    expect(memoised.maskIp('10.1.2.3', 4)).toBe(plain.maskIp('10.1.2.3', 4));
  });

  it('a bad memo size is refused at start', () => {
    expect(() => createMasker({ key: KEY, ipStrategy: 'truncate', pseudonymMemoEntries: -1 })).toThrow(RangeError);
  });
});
