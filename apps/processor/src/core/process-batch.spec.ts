import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import {
  DEFAULT_RECORD_LIMITS,
  DLQ_HEADERS,
  REASON_CODES,
  decodeDeadLetter,
  lastHeaderValue,
  lineageKeyring,
  signLineage,
  validateOutputEvent,
} from '@login/event-schema';
import type { LineageKey, ReasonCode } from '@login/event-schema';
import { CONTRACT_EXAMPLE_INPUT } from '@login/event-schema/testing';
import { eventIdFor } from '@login/enrichment';
import type { ConsumedRecord, OutgoingRecord } from '@login/kafka';
import { createMasker } from '@login/masking';
import type { Masker } from '@login/masking';
import fc from 'fast-check';
import { deadLetterOutsideGuard, processBatch } from './process-batch';
import type { Outcome, ProcessDeps } from './process-batch';

const NOW = Date.parse('2026-11-24T12:00:00Z');
const masker = createMasker({ key: { id: 'k1', secret: 'unit-test-masking-key-0123456789' }, ipStrategy: 'truncate' });
const LINEAGE_KEY: LineageKey = { id: 'l1', secret: Buffer.from('unit-test-lineage-key-0123456789abcdef') };

const deps: ProcessDeps = {
  masker,
  nowMs: NOW,
  maxValueBytes: 65_536,
  maxClockSkewMs: 300_000,
  recordLimits: DEFAULT_RECORD_LIMITS,
  dlqMaxMessageBytes: 2_097_152,
  outputTopic: 'processed-user-login',
  dlqTopic: 'user-login-dlq',
  group: 'login-processor',
  processor: 'processor@test/unit',
  lineageKeys: lineageKeyring(LINEAGE_KEY),
};

const valid = { ...CONTRACT_EXAMPLE_INPUT, timestamp: String(Math.floor(NOW / 1000) - 60) };

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

/** A dead letter as the replayer consumes it from the DLQ: header strings arrive as UTF-8 bytes. */
function consumedFromDlq(dlq: OutgoingRecord): ConsumedRecord {
  const bytes = (v: Buffer | string) => (typeof v === 'string' ? Buffer.from(v) : v);
  const headers = Object.entries(dlq.headers ?? {}).map(([name, v]) => [
    name,
    Array.isArray(v) ? v.map(bytes) : bytes(v),
  ]);
  return {
    topic: dlq.topic,
    partition: 0,
    offset: '0',
    timestamp: dlq.timestamp ?? '0',
    key: dlq.key === null ? null : bytes(dlq.key),
    value: dlq.value === null ? null : bytes(dlq.value),
    headers: Object.fromEntries(headers),
  };
}

/**
 * A dead letter (of a record with header `x-trace: t`) that left one part out: the outcome says so, the part is null,
 * the other headers are kept, and the headers name the part and its original size.
 */
function expectOneLeftOut(
  outcome: Outcome | undefined,
  dlq: OutgoingRecord,
  left: { reason: string; part: 'key' | 'value'; bytes: string },
) {
  expect(outcome).toEqual({ kind: 'dead-lettered', reason: left.reason, stage: 'DESERIALIZE', omitted: [left.part] });
  expect(dlq[left.part]).toBeNull();
  expect(header(dlq, 'x-trace')).toBe('t');
  expect(header(dlq, DLQ_HEADERS.omitted)).toBe(left.part);
  expect(header(dlq, left.part === 'key' ? DLQ_HEADERS.originalKeyBytes : DLQ_HEADERS.originalValueBytes)).toBe(
    left.bytes,
  );
}

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
      event_time: new Date(Number(valid.timestamp) * 1000).toISOString(),
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
    expect(Object.keys(event).sort()).toEqual([
      'app_version',
      'device_id',
      'device_type',
      'event_id',
      'event_time',
      'ip',
      'ip_version',
      'latency_ms',
      'locale',
      'processed_at',
      'schema_version',
      'user_id',
    ]);
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
    [
      'a time too far ahead',
      json({ ...valid, timestamp: String(Math.floor(NOW / 1000) + 3600) }),
      'TIMESTAMP_OUT_OF_RANGE',
      'VALIDATE',
    ],
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
    expect(outcomes[0]).toEqual({ kind: 'dead-lettered', reason, stage });
    expect(header(dlq, DLQ_HEADERS.omitted)).toBeUndefined();
    if (reason === 'SCHEMA_VIOLATION')
      expect(JSON.parse(header(dlq, DLQ_HEADERS.validation)!)).toEqual(expect.any(Array));
  });

  // The replayer reads dead letters with decodeDeadLetter: what processBatch writes must read back whole.
  it.each(cases)('writes %s as a dead letter the replayer reads without a problem', (_name, value, reason, stage) => {
    const input = record(value);
    const dlq = processBatch([input], deps).records[0]!;
    expect(decodeDeadLetter(consumedFromDlq(dlq))).toMatchObject({
      sourceTopic: 'user-login',
      reason,
      stage,
      failedAtMs: NOW,
      firstFailedAtMs: NOW,
      eventId: eventIdFor(input),
      replayCount: 0,
      processor: 'processor@test/unit',
      problems: [],
    });
  });

  it('dead-letters a masking failure as MASKING_FAILED without echoing the error', () => {
    const cannotMask = () => {
      throw new Error(`cannot mask ${valid.device_id}`);
    };
    const broken: Masker = {
      maskEvent: cannotMask,
      maskDeviceId: cannotMask,
      maskIp: masker.maskIp,
      maskAddress: masker.maskAddress,
    };
    const { records } = processBatch([record(json(valid))], { ...deps, masker: broken });
    expect(header(records[0]!, DLQ_HEADERS.reason)).toBe('MASKING_FAILED');
    expect(header(records[0]!, DLQ_HEADERS.stage)).toBe('MASK');
    expect(header(records[0]!, DLQ_HEADERS.message)).not.toContain(valid.device_id);
  });

  it('dead-letters an enrichment failure (a broken clock) as ENRICH_FAILED', () => {
    const { records } = processBatch([record(json(valid))], {
      ...deps,
      nowMs: Number.NaN,
      maxClockSkewMs: Number.POSITIVE_INFINITY,
    });
    expect(header(records[0]!, DLQ_HEADERS.reason)).toBe('ENRICH_FAILED');
    expect(header(records[0]!, DLQ_HEADERS.stage)).toBe('ENRICH');
  });

  it('covers every reason code in the tests above', () => {
    // The record-limit reasons and INTERNAL_ERROR are covered in their own describe blocks below.
    const covered = new Set([
      ...cases.map((c) => c[2]),
      'MASKING_FAILED',
      'ENRICH_FAILED',
      'KEY_TOO_LARGE',
      'HEADERS_TOO_LARGE',
      'INTERNAL_ERROR',
      'BATCH_TOO_LARGE',
    ]);
    expect([...REASON_CODES].sort()).toEqual([...covered].sort());
  });

  it('keeps headers named __proto__ and constructor in the dead letter, byte for byte', () => {
    // As kafkajs (patched) and toRecordHeaders decode them: own properties.
    const headers = {} as ConsumedRecord['headers'];
    Object.defineProperty(headers, '__proto__', { value: Buffer.from([0x70, 0xff]), enumerable: true });
    Object.defineProperty(headers, 'constructor', { value: [Buffer.from('a'), Buffer.from('b')], enumerable: true });
    const { records } = processBatch([record('not json', headers)], deps);
    const dlq = records[0]!;
    expect(dlq.topic).toBe('user-login-dlq');
    expect(Object.keys(dlq.headers ?? {})).toEqual(expect.arrayContaining(['__proto__', 'constructor']));
    expect(Object.getOwnPropertyDescriptor(dlq.headers, '__proto__')?.value).toEqual(Buffer.from([0x70, 0xff]));
    expect(Object.getOwnPropertyDescriptor(dlq.headers, 'constructor')?.value).toEqual([
      Buffer.from('a'),
      Buffer.from('b'),
    ]);
  });

  it('keeps input order: one outcome per input, outputs and dead letters interleaved as they came', () => {
    const inputs = [record(json(valid)), record(''), record(json(valid)), record('[]')];
    const { records, outcomes } = processBatch(inputs, deps);
    expect(records.map((r) => r.topic)).toEqual([
      'processed-user-login',
      'user-login-dlq',
      'processed-user-login',
      'user-login-dlq',
    ]);
    expect(outcomes.map((o) => o.kind)).toEqual(['processed', 'dead-lettered', 'processed', 'dead-lettered']);
  });

  it('never lets a raw device_id or ip into an output, whatever the valid event (property)', () => {
    // A host part of zero would make the truncated address equal the raw one: that is a network address, not PII.
    const ipv4 = fc
      .tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.integer({ min: 1, max: 255 }))
      .map((p) => p.join('.'));
    const ipv6 = fc
      .tuple(
        fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 7, maxLength: 7 }),
        fc.integer({ min: 1, max: 0xffff }),
      )
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

const FIRST_ID = '5f0c2a52-1b7e-8e0b-9a55-0a1f0c9e8d11';
const OTHER_ID = '00000000-0000-4000-8000-000000000000';
/** Headers the replayer sets; an override of `undefined` removes one. */
const replayLineage = (overrides: Record<string, string | string[] | undefined> = {}): ConsumedRecord['headers'] =>
  Object.fromEntries(
    Object.entries<string | string[] | undefined>({
      [DLQ_HEADERS.eventId]: FIRST_ID,
      [DLQ_HEADERS.replayCount]: '2',
      [DLQ_HEADERS.firstFailedAt]: '1700000000000',
      [DLQ_HEADERS.reason]: 'STALE_CONTEXT',
      [DLQ_HEADERS.replayId]: 'run-7',
      ...overrides,
    })
      .filter((e): e is [string, string | string[]] => e[1] !== undefined)
      .map(([k, v]) => [k, Array.isArray(v) ? v.map((x) => Buffer.from(x)) : Buffer.from(v)]),
  );
const KEY = Buffer.from('some-key');
/** `headers` plus the replayer's signature over their lineage (last values) and the record's key and value. */
function signed(headers: ConsumedRecord['headers'], value: string, key: LineageKey = LINEAGE_KEY) {
  const last = (name: string) => lastHeaderValue(headers, name);
  const sig = signLineage(
    {
      replayId: last(DLQ_HEADERS.replayId) ?? Buffer.alloc(0),
      replayCount: last(DLQ_HEADERS.replayCount) ?? Buffer.alloc(0),
      eventId: last(DLQ_HEADERS.eventId) ?? Buffer.alloc(0),
      firstFailedAt: last(DLQ_HEADERS.firstFailedAt),
      key: KEY,
      value: Buffer.from(value),
    },
    key,
  );
  return {
    ...headers,
    [DLQ_HEADERS.lineageSignature]: Buffer.from(sig.signature),
    [DLQ_HEADERS.lineageKeyId]: Buffer.from(sig.keyId),
  };
}
/** A record as the replayer re-publishes it: lineage headers (with `overrides`), correctly signed. */
const replayed = (value: string, overrides: Record<string, string | string[] | undefined> = {}) =>
  record(value, signed(replayLineage(overrides), value));
const eventIdOfOutput = (r: OutgoingRecord) => (JSON.parse(String(r.value)) as { event_id: string }).event_id;

describe('processBatch: the replay lineage (event_id of a replayed record)', () => {
  it('gives a replayed record the event_id of its first attempt and carries its lineage', () => {
    const { records, outcomes } = processBatch([replayed('not json'), replayed(json(valid))], deps);
    const [dlq, out] = records;
    expect(header(dlq!, DLQ_HEADERS.eventId)).toBe(FIRST_ID);
    expect(header(dlq!, DLQ_HEADERS.replayCount)).toBe('2');
    expect(header(dlq!, DLQ_HEADERS.firstFailedAt)).toBe('1700000000000');
    expect(header(dlq!, DLQ_HEADERS.reason)).toBe('INVALID_JSON');
    expect(header(dlq!, DLQ_HEADERS.failedAt)).toBe(String(NOW));
    expect(header(dlq!, DLQ_HEADERS.replayId)).toBe('run-7');
    expect(eventIdOfOutput(out!)).toBe(FIRST_ID);
    expect(outcomes.map((o) => o.untrustedLineage)).toEqual([undefined, undefined]);
  });

  it('keeps the event_id of a lineage signed with a previous key still in the keyring (rotation)', () => {
    const old: LineageKey = { id: 'l0', secret: Buffer.from('previous-unit-test-lineage-key-0123456') };
    const value = json(valid);
    const input = record(value, signed(replayLineage(), value, old));
    const rotating = { ...deps, lineageKeys: lineageKeyring(LINEAGE_KEY, [old]) };
    expect(eventIdOfOutput(processBatch([input], rotating).records[0]!)).toBe(FIRST_ID);
    expect(eventIdOfOutput(processBatch([input], deps).records[0]!)).toBe(eventIdFor(input));
  });

  const forged = (value: string, headers: ConsumedRecord['headers']) => record(value, headers);
  it.each<[string, (value: string) => ConsumedRecord['headers'], string]>([
    ['without a signature', () => replayLineage(), 'missing-signature'],
    [
      "with a signature that is not the replayer's",
      (value) =>
        signed(replayLineage(), value, { id: 'l1', secret: Buffer.from('an-attackers-key-of-32-bytes-or-more!') }),
      'bad-signature',
    ],
    [
      'with a signature under a key id the processor does not hold',
      (value) => signed(replayLineage(), value, { id: 'l9', secret: LINEAGE_KEY.secret }),
      'unknown-key',
    ],
    [
      'with the signature of another value',
      () => signed(replayLineage(), json({ ...valid, user_id: 'someone-else' })),
      'bad-signature',
    ],
    [
      'with a signed lineage whose event id was swapped',
      (value) => ({ ...signed(replayLineage(), value), [DLQ_HEADERS.eventId]: Buffer.from(OTHER_ID) }),
      'bad-signature',
    ],
  ])('treats a well-formed lineage %s as fresh: derived event_id, no carried count', (_name, headersFor, why) => {
    const input = forged(json(valid), headersFor(json(valid)));
    const failing = forged('not json', headersFor('not json'));
    const { records, outcomes } = processBatch([input, failing], deps);
    expect(eventIdOfOutput(records[0]!)).toBe(eventIdFor(input));
    expect(header(records[1]!, DLQ_HEADERS.eventId)).toBe(eventIdFor(failing));
    expect(header(records[1]!, DLQ_HEADERS.replayCount)).toBe('0');
    expect(header(records[1]!, DLQ_HEADERS.firstFailedAt)).toBe(String(NOW));
    expect(outcomes.map((o) => o.untrustedLineage)).toEqual([why, why]);
    expect(outcomes[0]).toMatchObject({ kind: 'processed' });
  });

  it.each<[string, Record<string, string | string[] | undefined>]>([
    ["a fresh record that copied another record's event id (no replay id)", { [DLQ_HEADERS.replayId]: undefined }],
    ['free text in the event id header', { [DLQ_HEADERS.eventId]: 'SPOOF 203.0.113.70' }],
    ['a replay count that is not a decimal', { [DLQ_HEADERS.replayCount]: '1e21' }],
    ['a replay count of zero', { [DLQ_HEADERS.replayCount]: '0' }],
    [
      'a spoofed id after the real one (the last value counts)',
      { [DLQ_HEADERS.eventId]: [FIRST_ID, 'SPOOF 203.0.113.70'] },
    ],
  ])('derives the event_id from the coordinates for %s', (_name, overrides) => {
    const input = replayed(json(valid), overrides);
    const failing = replayed('not json', overrides);
    const { records } = processBatch([input, failing], deps);
    expect(eventIdOfOutput(records[0]!)).toBe(eventIdFor(input));
    expect(header(records[1]!, DLQ_HEADERS.eventId)).toBe(eventIdFor(failing));
    expect(JSON.stringify(records.map((r) => r.headers))).not.toContain('SPOOF');
  });

  it('never writes back an unvalidated replay count or first-failed-at', () => {
    const { records } = processBatch(
      [replayed('not json', { [DLQ_HEADERS.replayCount]: '1e21', [DLQ_HEADERS.firstFailedAt]: 'SPOOF' })],
      deps,
    );
    expect(header(records[0]!, DLQ_HEADERS.replayCount)).toBe('0');
    expect(header(records[0]!, DLQ_HEADERS.firstFailedAt)).toBe(String(NOW));
  });

  it('keeps a valid lineage but replaces a malformed first-failed-at with this failure', () => {
    const { records } = processBatch([replayed('not json', { [DLQ_HEADERS.firstFailedAt]: '1.7e12' })], deps);
    expect(header(records[0]!, DLQ_HEADERS.eventId)).toBe(FIRST_ID);
    expect(header(records[0]!, DLQ_HEADERS.replayCount)).toBe('2');
    expect(header(records[0]!, DLQ_HEADERS.firstFailedAt)).toBe(String(NOW));
  });

  it('reads a repeated lineage header by the shared rule: the last value', () => {
    const { records } = processBatch([replayed('not json', { [DLQ_HEADERS.replayCount]: ['7', '3'] })], deps);
    expect(header(records[0]!, DLQ_HEADERS.replayCount)).toBe('3');
  });
});

describe('processBatch: record limits', () => {
  const limits = { maxKeyBytes: 16, maxHeaderCount: 4, maxHeaderBytes: 256 };
  const limited = { ...deps, recordLimits: limits };
  const manyHeaders = () => Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`h${i}`, Buffer.from('v')]));

  it('dead-letters a record with too many headers as HEADERS_TOO_LARGE, without its headers, value intact', () => {
    const input = record(json(valid), manyHeaders());
    const { records, outcomes } = processBatch([input], limited);
    const dlq = records[0]!;
    expect(outcomes[0]).toEqual({
      kind: 'dead-lettered',
      reason: 'HEADERS_TOO_LARGE',
      stage: 'DESERIALIZE',
      omitted: ['headers'],
    });
    expect(dlq.topic).toBe('user-login-dlq');
    expect(dlq.value).toEqual(input.value);
    expect(dlq.key).toEqual(input.key);
    expect(Object.keys(dlq.headers!).every((name) => name.startsWith('__dlq.errors.'))).toBe(true);
    expect(header(dlq, DLQ_HEADERS.omitted)).toBe('headers');
    expect(header(dlq, DLQ_HEADERS.originalHeaderCount)).toBe('20000');
    expect(header(dlq, DLQ_HEADERS.retryable)).toBe('false');
    expect(header(dlq, DLQ_HEADERS.eventId)).toBe(eventIdFor(input));
  });

  it('counts header bytes as well as header values', () => {
    const { outcomes } = processBatch([record(json(valid), { big: Buffer.alloc(300) })], limited);
    expect(outcomes[0]).toMatchObject({ reason: 'HEADERS_TOO_LARGE' });
  });

  it('dead-letters a record with an oversized key as KEY_TOO_LARGE, without its key', () => {
    const input = { ...record(json(valid), { 'x-trace': Buffer.from('t') }), key: Buffer.alloc(1_000_000, 7) };
    const { records, outcomes } = processBatch([input], limited);
    const dlq = records[0]!;
    expectOneLeftOut(outcomes[0], dlq, { reason: 'KEY_TOO_LARGE', part: 'key', bytes: '1000000' });
    expect(dlq.value).toEqual(input.value);
  });

  it('dead-letters the stand-in of a batch over the decompression limit as BATCH_TOO_LARGE, by reference', () => {
    const oversizedBatch = {
      firstOffset: '100',
      lastOffset: '149',
      records: 50,
      compressedBytes: 4321,
      limitBytes: 1 << 20,
    };
    const standIn: ConsumedRecord = { ...record(null), offset: '149', key: null, oversizedBatch };
    const { records, outcomes } = processBatch([standIn, record(json(valid))], deps);
    expect(outcomes[0]).toEqual({
      kind: 'dead-lettered',
      reason: 'BATCH_TOO_LARGE',
      stage: 'DESERIALIZE',
      omitted: ['key', 'value', 'headers'],
    });
    const dlq = records[0]!;
    expect(dlq.topic).toBe('user-login-dlq');
    expect([dlq.key, dlq.value]).toEqual([null, null]);
    expect(header(dlq, DLQ_HEADERS.offset)).toBe('149');
    expect(header(dlq, DLQ_HEADERS.batchFirstOffset)).toBe('100');
    expect(header(dlq, DLQ_HEADERS.batchRecords)).toBe('50');
    expect(header(dlq, DLQ_HEADERS.batchCompressedBytes)).toBe('4321');
    expect(header(dlq, DLQ_HEADERS.retryable)).toBe('false');
    expect(outcomes[1]!.kind).toBe('processed');
  });

  it('leaves out both when both are over, with the key as the reason', () => {
    const input = { ...record(json(valid), manyHeaders()), key: Buffer.alloc(17) };
    const { records, outcomes } = processBatch([input], limited);
    expect(outcomes[0]).toMatchObject({ reason: 'KEY_TOO_LARGE', omitted: ['key', 'headers'] });
    expect(header(records[0]!, DLQ_HEADERS.omitted)).toBe('key,headers');
  });

  it('never trusts the lineage of a record over the limits', () => {
    const value = json(valid);
    const input = record(value, { ...signed(replayLineage(), value), ...manyHeaders() });
    expect(header(processBatch([input], limited).records[0]!, DLQ_HEADERS.eventId)).toBe(eventIdFor(input));
  });
});

describe('processBatch: dead letters that must fit the DLQ topic', () => {
  it('keeps a compression bomb byte for byte: compressed, it fits the DLQ', () => {
    const bomb = Buffer.alloc(3 * 1024 * 1024, 0x20);
    const input = record(bomb);
    const { records, outcomes } = processBatch([input], deps);
    expect(outcomes[0]).toEqual({ kind: 'dead-lettered', reason: 'VALUE_TOO_LARGE', stage: 'DESERIALIZE' });
    expect(records[0]!.value).toBe(bomb);
    expect(header(records[0]!, DLQ_HEADERS.omitted)).toBeUndefined();
  });

  it('turns a dead letter that cannot fit even compressed into a reference dead letter', () => {
    const incompressible = randomBytes(200_000);
    expect(gzipSync(incompressible).length).toBeGreaterThan(65_536);
    const input = record(incompressible, { 'x-trace': Buffer.from('t') });
    const { records, outcomes } = processBatch([input], { ...deps, dlqMaxMessageBytes: 65_536 });
    const dlq = records[0]!;
    expectOneLeftOut(outcomes[0], dlq, { reason: 'VALUE_TOO_LARGE', part: 'value', bytes: '200000' });
    expect(dlq.key).toEqual(input.key);
    expect(header(dlq, DLQ_HEADERS.topic)).toBe('user-login');
    expect(header(dlq, DLQ_HEADERS.partition)).toBe('2');
    expect(header(dlq, DLQ_HEADERS.offset)).toBe(input.offset);
    expect(header(dlq, DLQ_HEADERS.retryable)).toBe('false');
  });

  it('leaves out key and headers as well when the DLQ limit is smaller than they are', () => {
    const input = { ...record(randomBytes(200_000), { big: randomBytes(8_000) }), key: randomBytes(1_000) };
    const { records } = processBatch([input], { ...deps, dlqMaxMessageBytes: 4_096 });
    expect(header(records[0]!, DLQ_HEADERS.omitted)).toBe('key,value,headers');
    expect(records[0]!.key).toBeNull();
  });
});

describe('processBatch is total: a throw anywhere dead-letters that record and the chunk goes on', () => {
  it("gives the runner's last resort a dead letter for a record whose processing threw", () => {
    const input = record(json(valid));
    const { records, outcomes } = deadLetterOutsideGuard(input, new TypeError('a bug'), deps);
    expect(outcomes).toEqual([{ kind: 'dead-lettered', reason: 'INTERNAL_ERROR', stage: 'DESERIALIZE' }]);
    expect(records[0]!.topic).toBe(deps.dlqTopic);
    expect(records[0]!.value).toEqual(input.value);
    expect(header(records[0]!, DLQ_HEADERS.exceptionClass)).toBe('TypeError');
  });

  it('dead-letters a record whose event id cannot be derived as INTERNAL_ERROR at DESERIALIZE, without an event id', () => {
    const broken = { ...record(json(valid)), offset: 'not-an-offset' };
    const next = record(json(valid));
    const { records, outcomes } = processBatch([broken, next], deps);
    expect(outcomes[0]).toEqual({ kind: 'dead-lettered', reason: 'INTERNAL_ERROR', stage: 'DESERIALIZE' });
    expect(header(records[0]!, DLQ_HEADERS.stage)).toBe('DESERIALIZE');
    expect(header(records[0]!, DLQ_HEADERS.eventId)).toBeUndefined();
    expect(header(records[0]!, DLQ_HEADERS.exceptionClass)).toBe('TypeError');
    expect(records[0]!.value).toEqual(broken.value);
    expect(outcomes[1]).toMatchObject({ kind: 'processed' });
  });

  it('dead-letters a record that cannot even be read into a dead letter as a bare reference', () => {
    const hostile = new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('hostile headers 203.0.113.9');
        },
      },
    );
    const broken = record(json(valid), hostile as ConsumedRecord['headers']);
    const { records, outcomes } = processBatch([broken, record(json(valid))], deps);
    expect(outcomes[0]).toEqual({
      kind: 'dead-lettered',
      reason: 'INTERNAL_ERROR',
      stage: 'DESERIALIZE',
      omitted: ['key', 'value', 'headers'],
    });
    expect(records[0]!.value).toBeNull();
    expect(header(records[0]!, DLQ_HEADERS.offset)).toBe(broken.offset);
    expect(JSON.stringify(records[0]!.headers)).not.toContain('203.0.113.9');
    expect(outcomes[1]).toMatchObject({ kind: 'processed' });
  });
});
