import { DEFAULT_PARSE_LIMITS, parseLoginEvent, validateInputEvent } from '@login/event-schema';
import type { EventBuilderOptions, GeneratedRecord } from './event-builder';
import { createEventBuilder, DEFAULT_BUILDER_OPTIONS } from './event-builder';
import { createFakerSource } from './faker-source';
import { MALFORMED_KINDS, malformedKind } from './malformed';

const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);

function build(
  overrides: Partial<EventBuilderOptions>,
  n: number,
  now: (i: number) => number = () => NOW,
): GeneratedRecord[] {
  const builder = createEventBuilder({ ...DEFAULT_BUILDER_OPTIONS, seed: 7, ...overrides }, createFakerSource);
  return Array.from({ length: n }, (_, i) => builder.next(now(i)));
}

const parse = (r: GeneratedRecord, nowMs = NOW) => parseLoginEvent(r.value, { ...DEFAULT_PARSE_LIMITS, nowMs });
const asJson = (r: GeneratedRecord) => JSON.parse(r.value?.toString('utf8') ?? 'null') as Record<string, unknown>;
const withoutTimestamp = (r: GeneratedRecord) => {
  const { timestamp: _t, ...rest } = asJson(r);
  return rest;
};

describe('event builder', () => {
  it('gives the same records for the same seed and clock', () => {
    const a = build({ invalidRatio: 0.2 }, 500);
    const b = build({ invalidRatio: 0.2 }, 500);
    expect(b).toEqual(a);
  });

  it('gives the same event contents for the same seed at another time, apart from the timestamp', () => {
    const a = build({}, 300);
    const b = build({}, 300, (i) => NOW + 3_600_000 + i * 1000);
    expect(b.map((r) => r.key)).toEqual(a.map((r) => r.key));
    expect(b.map(withoutTimestamp)).toEqual(a.map(withoutTimestamp));
    expect(b.map((r) => asJson(r)['timestamp'])).not.toEqual(a.map((r) => asJson(r)['timestamp']));
  });

  it('gives other records for another seed', () => {
    expect(build({ seed: 8 }, 50).map((r) => r.key)).not.toEqual(build({ seed: 7 }, 50).map((r) => r.key));
  });

  it('makes events that pass the input schema and parseLoginEvent', () => {
    const records = build({ users: 200 }, 5000);
    for (const r of records) {
      expect(r.kind).toBe('valid');
      expect(r.expectedReason).toBeNull();
      expect(validateInputEvent(asJson(r))).toEqual({ ok: true });
      const parsed = parse(r);
      if (!parsed.ok) throw new Error(`${r.value?.toString()} failed: ${JSON.stringify(parsed.failure)}`);
    }
  });

  it('keys by user_id and keeps the field order of the reference generator', () => {
    const [r] = build({}, 1);
    const event = asJson(r!);
    expect(r!.key).toBe(event['user_id']);
    const keys = Object.keys(event).filter((k) => k !== 'device_type');
    expect(keys).toEqual(['user_id', 'app_version', 'ip', 'locale', 'device_id', 'timestamp']);
  });

  it('draws users from a bounded population, each with one or two devices', () => {
    const events = build({ users: 50 }, 5000).map(asJson);
    const devicesByUser = new Map<unknown, Set<unknown>>();
    for (const e of events) {
      const set = devicesByUser.get(e['user_id']) ?? new Set();
      set.add(e['device_id']);
      devicesByUser.set(e['user_id'], set);
    }
    expect(devicesByUser.size).toBeLessThanOrEqual(50);
    expect(devicesByUser.size).toBeGreaterThan(30);
    const perUser = [...devicesByUser.values()].map((s) => s.size);
    expect(Math.max(...perUser)).toBe(2);
    expect(Math.min(...perUser)).toBe(1);
  });

  it('mixes realistic values: weighted device types (sometimes absent), IPv6, device id format, late events', () => {
    const events = build({ users: 1000 }, 10_000).map(asJson);
    const share = (pred: (e: Record<string, unknown>) => boolean) => events.filter(pred).length / events.length;
    expect(share((e) => e['device_type'] === 'android')).toBeGreaterThan(0.4);
    expect(share((e) => e['device_type'] === 'iOS')).toBeGreaterThan(0.25);
    expect(share((e) => !('device_type' in e))).toBeGreaterThan(0.01);
    expect(share((e) => String(e['ip']).includes(':'))).toBeGreaterThan(0.05);
    expect(share((e) => String(e['ip']).includes(':'))).toBeLessThan(0.3);
    expect(events.every((e) => /^\d{3}-\d{2}-\d{4}$/.test(String(e['device_id'])))).toBe(true);
    expect(events.every((e) => /^\d{10}$/.test(String(e['timestamp'])))).toBe(true);
    const ages = events.map((e) => NOW / 1000 - Number(e['timestamp']));
    expect(Math.min(...ages)).toBeGreaterThanOrEqual(0);
    const late = ages.filter((a) => a >= 60).length / ages.length;
    expect(late).toBeGreaterThan(0.01);
    expect(late).toBeLessThan(0.03);
    expect(Math.max(...ages)).toBeLessThanOrEqual(6 * 3600);
  });

  it.each([0.01, 0.1, 0.25, 0.5, 0.9])('keeps the invalid share within ±1 point of %p over 10,000 records', (ratio) => {
    const records = build({ invalidRatio: ratio }, 10_000);
    const invalid = records.filter((r) => r.kind !== 'valid').length / records.length;
    expect(Math.abs(invalid - ratio)).toBeLessThanOrEqual(0.01);
  });

  it('makes no malformed record at ratio 0 and only malformed ones at ratio 1', () => {
    expect(build({ invalidRatio: 0 }, 2000).every((r) => r.kind === 'valid')).toBe(true);
    expect(build({ invalidRatio: 1 }, 2000).every((r) => r.kind !== 'valid')).toBe(true);
  });

  it('draws only the chosen kinds, each with its reason, and the parser agrees', () => {
    const kinds = [malformedKind('bad-ip')!, malformedKind('tombstone')!];
    const records = build({ invalidRatio: 1, invalidKinds: kinds }, 400);
    expect(new Set(records.map((r) => r.kind))).toEqual(new Set(['bad-ip', 'tombstone']));
    for (const r of records) {
      const parsed = parse(r);
      expect(parsed.ok ? null : parsed.failure.reason).toBe(r.expectedReason);
    }
  });

  it('uses every kind when none is chosen', () => {
    const records = build({ invalidRatio: 1, invalidKinds: [] }, 3000);
    expect(new Set(records.map((r) => r.kind))).toEqual(new Set(MALFORMED_KINDS.map((k) => k.name)));
  });
});
