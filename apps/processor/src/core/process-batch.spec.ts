import { DLQ_HEADERS, REASON_CODES, validateOutputEvent } from '@login/event-schema';
import type { ReasonCode } from '@login/event-schema';
import { DESIGN_EXAMPLE_INPUT } from '@login/event-schema/testing';
import { eventIdFor } from '@login/enrichment';
import type { ConsumedRecord, OutgoingRecord } from '@login/kafka';
import { createMasker } from '@login/masking';
import type { Masker } from '@login/masking';
import fc from 'fast-check';
import { processBatch } from './process-batch';
import type { ProcessDeps } from './process-batch';

const NOW = Date.parse('2026-11-24T12:00:00Z');
const masker = createMasker({ key: { id: 'k1', secret: 'unit-test-masking-key-0123456789' }, ipStrategy: 'truncate' });

const deps: ProcessDeps = {
  masker,
  nowMs: NOW,
  maxValueBytes: 65_536,
  maxClockSkewMs: 300_000,
  outputTopic: 'processed-user-login',
  dlqTopic: 'user-login-dlq',
  group: 'login-processor',
  processor: 'processor@test/unit',
};

const valid = { ...DESIGN_EXAMPLE_INPUT, timestamp: String(Math.floor(NOW / 1000) - 60) };

let offset = 0;
function record(value: Buffer | string | null, headers: ConsumedRecord['headers'] = {}): ConsumedRecord {
  return {
    topic: 'user-login',
    partition: 2,
    offset: String(offset++),
    timestamp: String(NOW - 1000),
    key: Buffer.from('some-key'),
    value: typeof value === 'string' ? Buffer.from(value) : value,
    headers,
  };
}

const json = (o: unknown) => JSON.stringify(o);
const header = (r: OutgoingRecord, name: string) => {
  const v = r.headers?.[name];
  return v === undefined ? undefined : String(Array.isArray(v) ? v[0] : v);
};

describe('processBatch', () => {
  it('turns a valid event into one masked, enriched output keyed by user_id', () => {
    const input = record(json(valid));
    const { records, outcomes } = processBatch([input], deps);

    expect(records).toHaveLength(1);
    const out = records[0]!;
    expect(out.topic).toBe('processed-user-login');
    expect(out.key).toBe(valid.user_id);
    const event = JSON.parse(String(out.value));
    expect(validateOutputEvent(event)).toEqual({ ok: true });
    expect(event).toMatchObject({
      event_id: eventIdFor(input),
      user_id: valid.user_id,
      app_version: '2.3.0',
      device_type: 'android',
      locale: 'RU',
      ip: '199.172.111.0',
      ip_version: 4,
      event_time: new Date((Number(valid.timestamp)) * 1000).toISOString(),
      processed_at: new Date(NOW).toISOString(),
      latency_ms: 60_000,
    });
    expect(event.device_id).not.toContain('593-47-5928');
    expect(outcomes[0]).toMatchObject({ kind: 'processed' });
  });

  it('defaults a missing device_type to "unknown" and drops unknown fields', () => {
    const { device_type: _omit, ...withoutType } = valid;
    const { records } = processBatch([record(json({ ...withoutType, email: 'a@b.c', __proto__: { x: 1 } }))], deps);
    const event = JSON.parse(String(records[0]!.value));
    expect(event.device_type).toBe('unknown');
    expect(event).not.toHaveProperty('email');
    expect(Object.keys(event).sort()).toEqual(
      ['app_version', 'device_id', 'device_type', 'event_id', 'event_time', 'ip', 'ip_version', 'latency_ms', 'locale', 'processed_at', 'schema_version', 'user_id'],
    );
  });

  const cases: Array<[string, Buffer | string | null, ReasonCode, string]> = [
    ['a tombstone', null, 'EMPTY_VALUE', 'DESERIALIZE'],
    ['an empty value', '', 'EMPTY_VALUE', 'DESERIALIZE'],
    ['a value over the limit', json({ ...valid, pad: 'x'.repeat(70_000) }), 'VALUE_TOO_LARGE', 'DESERIALIZE'],
    ['invalid UTF-8', Buffer.from([0x7b, 0xc3, 0x28, 0x7d]), 'INVALID_ENCODING', 'DESERIALIZE'],
    ['not JSON', '{"user_id": "abc", 593-47-5928', 'INVALID_JSON', 'DESERIALIZE'],
    ['a JSON array', json([valid]), 'NOT_AN_OBJECT', 'DESERIALIZE'],
    ['a missing field', json({ ...valid, device_id: undefined }), 'SCHEMA_VIOLATION', 'VALIDATE'],
    ['an IP with a port', json({ ...valid, ip: '199.172.111.135:443' }), 'SCHEMA_VIOLATION', 'VALIDATE'],
    ['a time before 2000', json({ ...valid, timestamp: '946684799' }), 'TIMESTAMP_OUT_OF_RANGE', 'VALIDATE'],
    ['a time too far ahead', json({ ...valid, timestamp: String(Math.floor(NOW / 1000) + 3600) }), 'TIMESTAMP_OUT_OF_RANGE', 'VALIDATE'],
  ];

  it.each(cases)('dead-letters %s unchanged, with reason %s', (_name, value, reason, stage) => {
    const input = record(value, { 'x-trace': Buffer.from('t-1') });
    const { records, outcomes } = processBatch([input], deps);

    expect(records).toHaveLength(1);
    const dlq = records[0]!;
    expect(dlq.topic).toBe('user-login-dlq');
    expect(dlq.key).toEqual(input.key);
    expect(dlq.value).toEqual(input.value);
    expect(dlq.timestamp).toBe(String(NOW));
    expect(header(dlq, 'x-trace')).toBe('t-1');
    expect(header(dlq, DLQ_HEADERS.reason)).toBe(reason);
    expect(header(dlq, DLQ_HEADERS.stage)).toBe(stage);
    expect(header(dlq, DLQ_HEADERS.topic)).toBe('user-login');
    expect(header(dlq, DLQ_HEADERS.partition)).toBe('2');
    expect(header(dlq, DLQ_HEADERS.offset)).toBe(input.offset);
    expect(header(dlq, DLQ_HEADERS.group)).toBe('login-processor');
    expect(header(dlq, DLQ_HEADERS.originalTimestamp)).toBe(input.timestamp);
    expect(header(dlq, DLQ_HEADERS.failedAt)).toBe(String(NOW));
    expect(header(dlq, DLQ_HEADERS.firstFailedAt)).toBe(String(NOW));
    expect(header(dlq, DLQ_HEADERS.replayCount)).toBe('0');
    expect(header(dlq, DLQ_HEADERS.eventId)).toBe(eventIdFor(input));
    expect(header(dlq, DLQ_HEADERS.processor)).toBe('processor@test/unit');
    expect(['true', 'false']).toContain(header(dlq, DLQ_HEADERS.retryable));
    expect(header(dlq, DLQ_HEADERS.schemaId)).toMatch(/^urn:/);
    expect(header(dlq, DLQ_HEADERS.message)!.length).toBeLessThanOrEqual(1024);
    expect(header(dlq, DLQ_HEADERS.message)).not.toContain('593-47-5928');
    expect(outcomes[0]).toEqual({ kind: 'dead-lettered', reason });
    if (reason === 'SCHEMA_VIOLATION') expect(JSON.parse(header(dlq, DLQ_HEADERS.validation)!)).toEqual(expect.any(Array));
  });

  it('dead-letters a masking failure as MASKING_FAILED without echoing the error', () => {
    const broken: Masker = {
      maskDeviceId: () => {
        throw new Error(`cannot mask ${valid.device_id}`);
      },
      maskIp: masker.maskIp,
    };
    const { records } = processBatch([record(json(valid))], { ...deps, masker: broken });
    expect(header(records[0]!, DLQ_HEADERS.reason)).toBe('MASKING_FAILED');
    expect(header(records[0]!, DLQ_HEADERS.stage)).toBe('MASK');
    expect(header(records[0]!, DLQ_HEADERS.message)).not.toContain(valid.device_id);
  });

  it('dead-letters an enrichment failure (a broken clock) as ENRICH_FAILED', () => {
    const { records } = processBatch([record(json(valid))], { ...deps, nowMs: Number.NaN, maxClockSkewMs: Number.POSITIVE_INFINITY });
    expect(header(records[0]!, DLQ_HEADERS.reason)).toBe('ENRICH_FAILED');
    expect(header(records[0]!, DLQ_HEADERS.stage)).toBe('ENRICH');
  });

  it('covers every reason code in the tests above', () => {
    const covered = new Set([...cases.map((c) => c[2]), 'MASKING_FAILED', 'ENRICH_FAILED']);
    expect([...REASON_CODES].sort()).toEqual([...covered].sort());
  });

  it('gives a replayed record the event_id of its first attempt and carries its lineage', () => {
    const lineage = {
      [DLQ_HEADERS.eventId]: Buffer.from('first-attempt-id'),
      [DLQ_HEADERS.replayCount]: Buffer.from('2'),
      [DLQ_HEADERS.firstFailedAt]: Buffer.from('1700000000000'),
      [DLQ_HEADERS.reason]: Buffer.from('STALE_CONTEXT'),
      [DLQ_HEADERS.replayId]: Buffer.from('run-7'),
    };
    const { records } = processBatch([record('not json', lineage), record(json(valid), lineage)], deps);
    const [dlq, out] = records;
    expect(header(dlq!, DLQ_HEADERS.eventId)).toBe('first-attempt-id');
    expect(header(dlq!, DLQ_HEADERS.replayCount)).toBe('2');
    expect(header(dlq!, DLQ_HEADERS.firstFailedAt)).toBe('1700000000000');
    expect(header(dlq!, DLQ_HEADERS.reason)).toBe('INVALID_JSON');
    expect(header(dlq!, DLQ_HEADERS.failedAt)).toBe(String(NOW));
    expect(header(dlq!, DLQ_HEADERS.replayId)).toBe('run-7');
    expect(JSON.parse(String(out!.value)).event_id).toBe('first-attempt-id');
  });

  it('keeps input order: one outcome per input, outputs and dead letters interleaved as they came', () => {
    const inputs = [record(json(valid)), record(''), record(json(valid)), record('[]')];
    const { records, outcomes } = processBatch(inputs, deps);
    expect(records.map((r) => r.topic)).toEqual(['processed-user-login', 'user-login-dlq', 'processed-user-login', 'user-login-dlq']);
    expect(outcomes.map((o) => o.kind)).toEqual(['processed', 'dead-lettered', 'processed', 'dead-lettered']);
  });

  it('never lets a raw device_id or ip into an output, whatever the valid event (property)', () => {
    // A host part of zero would make the truncated address equal the raw one: that is a network address, not PII.
    const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.integer({ min: 1, max: 255 })).map((p) => p.join('.'));
    const ipv6 = fc
      .tuple(fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 7, maxLength: 7 }), fc.integer({ min: 1, max: 0xffff }))
      .map(([head, last]) => [...head, last].map((n) => n.toString(16)).join(':'));
    const deviceId = fc.stringMatching(/^[0-9]{3}-[0-9]{2}-[0-9]{4}$/);
    fc.assert(
      fc.property(fc.oneof(ipv4, ipv6), deviceId, (ip, device_id) => {
        const { records } = processBatch([record(json({ ...valid, ip, device_id }))], deps);
        const text = String(records[0]!.value);
        expect(records[0]!.topic).toBe('processed-user-login');
        expect(text).not.toContain(device_id);
        expect(JSON.parse(text).ip).not.toBe(ip);
      }),
      { numRuns: 300 },
    );
  });
});
