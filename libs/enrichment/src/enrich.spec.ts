import fc from 'fast-check';
import {
  formatIpAddress,
  normaliseIpAddress,
  outputSchema,
  parseIpAddress,
  validateOutputEvent,
  withAddress,
} from '@login/event-schema';
import type { LoginEvent } from '@login/event-schema';
import { CONTRACT_EXAMPLE_EVENT, CONTRACT_EXAMPLE_OUTPUT } from '@login/event-schema/testing';
import { DEFAULT_DEVICE_TYPE, enrich } from './enrich';
import { eventIdFor } from './event-id';

const EVENT: LoginEvent = CONTRACT_EXAMPLE_EVENT;
const MASKED = { device_id: 'k1.v2:JgcrAiRf9yb7uMB_ZIMEj5', ip: '199.172.111.0' };
const EVENT_ID = eventIdFor({ topic: 'user-login', partition: 0, offset: '42' });

describe('enrich', () => {
  it('builds the docs/contracts.md "Output event" record', () => {
    const output = enrich(EVENT, MASKED, { eventId: EVENT_ID, processedAtMs: 1_694_479_551_250 });
    expect(output).toEqual({ ...CONTRACT_EXAMPLE_OUTPUT, event_id: EVENT_ID });
    expect(validateOutputEvent(output)).toEqual({ ok: true });
  });

  it("builds its fields in the output schema's order (the order of the output's JSON)", () => {
    const output = enrich(EVENT, MASKED, { eventId: EVENT_ID, processedAtMs: 1_694_479_551_250 });
    expect(Object.keys(output)).toEqual(outputSchema.required);
  });

  it('defaults an absent device_type to "unknown"', () => {
    const { device_type: _dropped, ...withoutType } = EVENT;
    const output = enrich(withoutType, MASKED, { eventId: EVENT_ID, processedAtMs: EVENT.event_time_ms });
    expect(output.device_type).toBe(DEFAULT_DEVICE_TYPE);
    expect(DEFAULT_DEVICE_TYPE).toBe('unknown');
  });

  it.each(['android', 'iOS', 'unknown', 'other'])('keeps device_type %p, which is in the fixed list', (deviceType) => {
    const output = enrich({ ...EVENT, device_type: deviceType }, MASKED, { eventId: EVENT_ID, processedAtMs: 0 });
    expect(output.device_type).toBe(deviceType);
  });

  // The input's device_type shape (32 letters and digits) fits an IMEI, a MAC or an Android ID: none may pass.
  it.each([
    ['an IMEI', 'imei356938035643809'],
    ['a colon-less MAC', 'ma4c3f0851d2e'],
    ['an Android ID', 'x9774d56d682e549c'],
    ['a hex IPv4', 'xc0a80101'],
    ['a plausible type outside the list', 'smart-tv'],
    ['a listed type in another case', 'Android'],
  ])('device_type %s becomes "other"', (_name, deviceType) => {
    const output = enrich({ ...EVENT, device_type: deviceType }, MASKED, { eventId: EVENT_ID, processedAtMs: 0 });
    expect(output.device_type).toBe('other');
    expect(JSON.stringify(output)).not.toContain(deviceType);
    expect(validateOutputEvent(output)).toEqual({ ok: true });
  });

  it.each([
    ['same instant', 1_694_479_551_000, 0],
    ['later', 1_694_479_552_500, 1500],
    ['earlier (event clock ahead, within skew)', 1_694_479_550_000, -1000],
    ['fractional processing time is truncated like Date', 1_694_479_551_250.9, 250],
  ])('latency when processed at the %s', (_name, processedAtMs, latency) => {
    const output = enrich(EVENT, MASKED, { eventId: EVENT_ID, processedAtMs });
    expect(output.latency_ms).toBe(latency);
    expect(Number.isInteger(output.latency_ms)).toBe(true);
    expect(new Date(output.processed_at).getTime() - new Date(output.event_time).getTime()).toBe(latency);
  });

  it('keeps ip_version and uses only the masked ip', () => {
    const v6 = { ...EVENT, ip: '2001:db8:1:2::1', ip_version: 6 as const };
    const output = enrich(v6, { ...MASKED, ip: '2001:db8:1::' }, { eventId: EVENT_ID, processedAtMs: 1.7e12 });
    expect(output.ip).toBe('2001:db8:1::');
    expect(output.ip_version).toBe(6);
  });

  it('refuses an unmasked device_id', () => {
    const unmasked = { device_id: EVENT.device_id, ip: MASKED.ip };
    expect(() => enrich(EVENT, unmasked, { eventId: EVENT_ID, processedAtMs: 0 })).toThrow(TypeError);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, 9e15])('throws a RangeError for processedAtMs %p', (processedAtMs) => {
    expect(() => enrich(EVENT, MASKED, { eventId: EVENT_ID, processedAtMs })).toThrow(RangeError);
  });

  it('does not alias or change its inputs', () => {
    const event = { ...EVENT };
    const output = enrich(event, MASKED, { eventId: EVENT_ID, processedAtMs: 1_694_479_551_250 });
    expect(event).toEqual(EVENT);
    expect(output).not.toBe(event);
  });
});

describe('enrich (properties)', () => {
  const NOW_MS = Date.UTC(2024, 0, 1);
  const canonicalIp = fc
    .oneof(fc.ipV4(), fc.ipV6())
    .map((ip) => normaliseIpAddress(ip))
    .filter((ip): ip is { ip: string; version: 4 | 6 } => ip !== undefined);

  // Raw device ids carry `#`, device types (the schema's shape) carry no `#`, `.` or `:`, and versions have three
  // parts, so no other field can contain a raw device_id or address by accident: finding one is a leak.
  const event: fc.Arbitrary<LoginEvent> = fc
    .record(
      {
        user_id: fc.uuid(),
        app_version: fc.array(fc.nat({ max: 999 }), { minLength: 3, maxLength: 3 }).map((p) => p.join('.')),
        device_type: fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,31}$/),
        address: canonicalIp,
        locale: fc.constantFrom('RU', 'en', 'en-US', 'pt_BR'),
        device_id: fc.string({ minLength: 1, maxLength: 255 }).map((s) => `#${s}`),
        event_time_ms: fc.integer({ min: Date.UTC(2000, 0, 1), max: NOW_MS }),
      },
      { requiredKeys: ['user_id', 'app_version', 'address', 'locale', 'device_id', 'event_time_ms'] },
    )
    .map(({ address, ...rest }) =>
      withAddress({ ...rest, ip: address.ip, ip_version: address.version }, parseIpAddress(address.ip)!),
    );

  const pseudonym = fc.stringMatching(/^k[0-9]\.v2:[A-Za-z0-9_-]{22}$/);
  // Stand-in for @login/masking's truncation (a domain lib may not import another here): /24 and /48.
  const truncated = (e: LoginEvent): string => {
    const address = parseIpAddress(e.ip)!;
    const bytes = new Uint8Array(address.bytes.length);
    bytes.set(address.bytes.subarray(0, address.version === 4 ? 3 : 6));
    return formatIpAddress({ version: address.version, bytes });
  };
  const maskedIp = (e: LoginEvent) => fc.oneof(pseudonym, fc.constant('redacted'), fc.constant(truncated(e)));
  const input = event.chain((e) =>
    fc.record({
      event: fc.constant(e),
      masked: fc.record({ device_id: pseudonym, ip: maskedIp(e) }),
      source: fc.record({ topic: fc.constant('user-login'), partition: fc.nat(63), offset: fc.nat().map(String) }),
      processedAtMs: fc.integer({ min: NOW_MS - 86_400_000, max: NOW_MS + 86_400_000 }),
    }),
  );

  it('every enriched output validates against the output schema', () => {
    fc.assert(
      fc.property(input, ({ event, masked, source, processedAtMs }) => {
        const output = enrich(event, masked, { eventId: eventIdFor(source), processedAtMs });
        expect(validateOutputEvent(output)).toEqual({ ok: true });
        expect(output.latency_ms).toBe(processedAtMs - event.event_time_ms);
        expect(new Date(output.event_time).getTime()).toBe(event.event_time_ms);
      }),
      { numRuns: 500 },
    );
  });

  it('no raw device_id or ip reaches the output', () => {
    fc.assert(
      fc.property(input, ({ event, masked, source, processedAtMs }) => {
        // A network address is its own /24 or /48 truncation: then there is nothing to hide.
        fc.pre(masked.ip !== event.ip);
        const output = enrich(event, masked, { eventId: eventIdFor(source), processedAtMs });
        const json = JSON.stringify(output);
        expect(json.includes(JSON.stringify(event.device_id).slice(1, -1))).toBe(false);
        expect(json.includes(event.ip)).toBe(false);
        expect(Object.values(output).some((v) => typeof v === 'string' && v.includes(event.device_id))).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});
