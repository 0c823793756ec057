import { dlqRecord, rawTerminalControls } from '../testing/dlq-fixtures';
import { DLQ_HEADERS as H } from '@login/event-schema';
import {
  formatBytes,
  formatInspect,
  hourBucket,
  InspectAggregator,
  OTHER,
  processorVersion,
  type InspectResult,
} from './inspect';

describe('InspectAggregator', () => {
  const records = [
    dlqRecord({ [H.failedAt]: String(Date.UTC(2026, 0, 1, 10, 5)) }, { offset: '0' }),
    dlqRecord({ [H.failedAt]: String(Date.UTC(2026, 0, 1, 10, 59)), [H.replayCount]: '2' }, { offset: '1' }),
    dlqRecord(
      {
        [H.reason]: 'INVALID_JSON',
        [H.stage]: 'DESERIALIZE',
        [H.retryable]: 'false',
        [H.processor]: 'processor@2.0.0 pod-x',
        [H.failedAt]: String(Date.UTC(2026, 0, 1, 8, 0)),
      },
      { offset: '2', partition: 1 },
    ),
    dlqRecord(
      {
        [H.reason]: undefined,
        [H.retryable]: 'maybe',
        [H.processor]: undefined,
        [H.failedAt]: undefined,
        [H.stage]: undefined,
      },
      { offset: '3' },
    ),
  ];

  it('counts by reason, stage, retryable, processor version, replay count and hour; finds oldest and newest', () => {
    const agg = new InspectAggregator({ sample: 0, showValues: false });
    records.forEach((r) => agg.add(r));
    const s = agg.summary();
    expect(s.total).toBe(4);
    expect(s.byReason).toEqual({ INVALID_JSON: 1, TIMESTAMP_OUT_OF_RANGE: 2, UNKNOWN: 1 });
    expect(s.byStage).toEqual({ DESERIALIZE: 1, UNKNOWN: 1, VALIDATE: 2 });
    expect(s.byRetryable).toEqual({ UNKNOWN: 1, false: 1, true: 2 });
    expect(s.byProcessor).toEqual({ 'processor@1.0.0': 2, 'processor@2.0.0': 1, UNKNOWN: 1 });
    expect(s.byReplayCount).toEqual({ '0': 3, '2': 1 });
    expect(s.byHour).toEqual({ '2026-01-01T08:00Z': 1, '2026-01-01T10:00Z': 2, UNKNOWN: 1 });
    expect(s.malformed).toBe(1);
    expect(s.oldest).toEqual({ partition: 1, offset: '2', failedAt: '2026-01-01T08:00:00.000Z' });
    expect(s.newest).toEqual({ partition: 0, offset: '1', failedAt: '2026-01-01T10:59:00.000Z' });
    expect(s.samples).toEqual([]);
  });

  it('samples headers only, and values only when asked (values hold raw PII)', () => {
    const withoutValues = new InspectAggregator({ sample: 1, showValues: false });
    const withValues = new InspectAggregator({ sample: 5, showValues: true });
    const binary = dlqRecord({}, { value: Buffer.from([0xff, 0x00]), key: null });
    for (const agg of [withoutValues, withValues]) [records[0]!, binary].forEach((r) => agg.add(r));
    expect(withoutValues.summary().samples).toHaveLength(1);
    expect(withoutValues.summary().samples[0]).not.toHaveProperty('value');
    expect(withoutValues.summary().samples[0]!.headers[H.reason]).toBe('TIMESTAMP_OUT_OF_RANGE');
    expect(withValues.summary().samples.map((s) => s.value)).toEqual(['{"user_id":"u"}', 'base64:/wA=']);
    expect(withValues.summary().samples[1]!.key).toBeNull();
  });

  it('without --show-values hides keys and upstream header values (sizes only), never the DLQ context', () => {
    const upstream = dlqRecord(
      {},
      { key: '593-47-5928', extra: { 'x-forwarded-for': '203.0.113.9', 'x-device-id': '593-47-5928' } },
    );
    const hidden = new InspectAggregator({ sample: 1, showValues: false });
    const shown = new InspectAggregator({ sample: 1, showValues: true });
    for (const agg of [hidden, shown]) agg.add(upstream);
    const h = hidden.summary().samples[0]!;
    expect(h.key).toBe('<11 bytes>');
    expect(h.headers['x-forwarded-for']).toBe('<11 bytes>');
    expect(h.headers['x-device-id']).toBe('<11 bytes>');
    expect(h.headers[H.reason]).toBe(String(upstream.headers[H.reason]));
    const text = formatInspect({ topic: 'dlq', outcome: 'complete', partitions: [], summary: hidden.summary() });
    expect(text).not.toContain('593-47-5928');
    expect(text).not.toContain('203.0.113.9');
    expect(text).toContain('key <11 bytes>');
    expect(text).toContain('x-forwarded-for=<11 bytes>');
    const s = shown.summary().samples[0]!;
    expect(s.key).toBe('593-47-5928');
    expect(s.headers['x-forwarded-for']).toBe('203.0.113.9');
    const shownText = formatInspect({ topic: 'dlq', outcome: 'complete', partitions: [], summary: shown.summary() });
    expect(shownText).toContain('key "593-47-5928"');
  });

  it('counts only the selection when one is given', () => {
    const agg = new InspectAggregator({ sample: 0, showValues: false, selection: { reasons: ['INVALID_JSON'] } });
    records.forEach((r) => agg.add(r));
    expect(agg.summary().total).toBe(1);
  });

  it('tables reason × stage × retryable with records, bytes and failure span, most records first, and totals per partition', () => {
    const agg = new InspectAggregator({ sample: 0, showValues: false });
    records.forEach((r) => agg.add(r));
    const s = agg.summary();
    const bytesOf = (i: number) => {
      const r = records[i]!;
      return (
        r.key!.length +
        r.value!.length +
        Object.entries(r.headers).reduce((n, [k, v]) => n + Buffer.byteLength(k) + (v as Buffer).length, 0)
      );
    };
    expect(s.bytes).toBe([0, 1, 2, 3].reduce((n, i) => n + bytesOf(i), 0));
    expect(s.groups).toEqual([
      {
        reason: 'TIMESTAMP_OUT_OF_RANGE',
        stage: 'VALIDATE',
        retryable: 'true',
        records: 2,
        bytes: bytesOf(0) + bytesOf(1),
        firstFailedAt: '2026-01-01T10:05:00.000Z',
        lastFailedAt: '2026-01-01T10:59:00.000Z',
      },
      {
        reason: 'INVALID_JSON',
        stage: 'DESERIALIZE',
        retryable: 'false',
        records: 1,
        bytes: bytesOf(2),
        firstFailedAt: '2026-01-01T08:00:00.000Z',
        lastFailedAt: '2026-01-01T08:00:00.000Z',
      },
      {
        reason: 'UNKNOWN',
        stage: 'UNKNOWN',
        retryable: 'UNKNOWN',
        records: 1,
        bytes: bytesOf(3),
        firstFailedAt: null,
        lastFailedAt: null,
      },
    ]);
    expect(s.partitions).toEqual([
      {
        partition: 0,
        records: 3,
        bytes: bytesOf(0) + bytesOf(1) + bytesOf(3),
        firstFailedAt: '2026-01-01T10:05:00.000Z',
        lastFailedAt: '2026-01-01T10:59:00.000Z',
      },
      {
        partition: 1,
        records: 1,
        bytes: bytesOf(2),
        firstFailedAt: '2026-01-01T08:00:00.000Z',
        lastFailedAt: '2026-01-01T08:00:00.000Z',
      },
    ]);
  });

  it('formats a table a person can read, with per-partition totals against the offsets read', () => {
    const agg = new InspectAggregator({ sample: 1, showValues: false });
    records.forEach((r) => agg.add(r));
    const result: InspectResult = {
      topic: 'user-login-dlq',
      outcome: 'complete',
      partitions: [
        { partition: 0, start: '0', end: '4', records: 3, bytes: 0 },
        { partition: 1, start: '0', end: '3', records: 1, bytes: 0 },
        { partition: 2, start: '5', end: '5', records: 0, bytes: 0 },
      ],
      summary: agg.summary(),
    };
    const text = formatInspect(result);
    expect(text).toMatch(
      /^DLQ user-login-dlq: 4 record\(s\), [\d.]+ KiB \(keys \+ values \+ headers\), read to the end offsets captured at start\n/,
    );
    expect(text).toMatch(/\nreason +stage +retryable +records +bytes +first failure +last failure\n/);
    expect(text).toMatch(
      /\nTIMESTAMP_OUT_OF_RANGE +VALIDATE +true +2 +[\d.]+ KiB +2026-01-01T10:05:00.000Z +2026-01-01T10:59:00.000Z\n/,
    );
    expect(text).toMatch(/\ntotal +4 +[\d.]+ KiB +2026-01-01T08:00:00.000Z +2026-01-01T10:59:00.000Z\n/);
    expect(text).toMatch(/\n +0 +0 \.\. 4 +3 +[\d.]+ KiB/);
    expect(text).toMatch(/\n +2 +5 \.\. 5 +0 +0 B +- +-\n/);
    expect(text).toContain(
      'samples (first 1; keys, values and upstream header values hidden: --show-values prints them, they hold raw PII; --json has every header):',
    );
    expect(text).toMatch(
      /\n {2}0\/0 {2}key <6 bytes> {2}failed 2026-01-01T10:05:00.000Z {2}TIMESTAMP_OUT_OF_RANGE at VALIDATE \(retryable true, replays 0\)\n {6}from user-login 0\/42 by processor@1.0.0 host-a: ValidationError: event time is in the future\n$/,
    );
    expect(formatInspect({ ...result, outcome: 'interrupted' })).toContain(
      'INTERRUPTED: only part of the DLQ was read',
    );
  });

  it('never prints a key, value or header raw: control characters are escapes, in text and JSON alike', () => {
    const hostile = dlqRecord(
      { [H.reason]: 'R\u001b[2K', [H.processor]: 'p@1\u001b]0;owned\u0007 host' },
      {
        key: 'user\u001b[31m\nDLQ fake: 0 record(s)',
        value: Buffer.from('{"ip":"\u009b6n"}'),
        extra: { 'x-\u202eevil': 'v\r' },
      },
    );
    const agg = new InspectAggregator({ sample: 1, showValues: true });
    agg.add(hostile);
    const result: InspectResult = {
      topic: 't',
      outcome: 'complete',
      partitions: [{ partition: 0, start: '0', end: '1', records: 1, bytes: 0 }],
      summary: agg.summary(),
    };
    const text = formatInspect(result);
    const json = JSON.stringify(result);
    for (const out of [text, json]) expect(rawTerminalControls(out)).toEqual([]);
    expect(text).not.toContain('\nDLQ fake');
    expect(text).toContain('key "user\\x1b[31m\\nDLQ fake: 0 record(s)"');
    expect(text).toContain('value: "{"ip":"\\x9b6n"}"');
    expect(text).toContain('other headers: x-\\u{202e}evil=v\\r');
    expect(agg.summary().byReason).toEqual({ 'R\\x1b[2K': 1 });
    expect(agg.summary().byProcessor).toEqual({ 'p@1\\x1b]0;owned\\x07': 1 });
  });

  it('keeps memory bounded when headers hold endless distinct values: extra ones are counted as (other)', () => {
    const agg = new InspectAggregator({ sample: 0, showValues: false });
    for (let i = 0; i < 700; i++)
      agg.add(dlqRecord({ [H.reason]: `R${i}`, [H.processor]: `p@${i}` }, { offset: String(i) }));
    const s = agg.summary();
    expect(s.total).toBe(700);
    expect(Object.keys(s.byReason)).toHaveLength(201);
    expect(s.byReason[OTHER]).toBe(500);
    expect(Object.values(s.byProcessor).reduce((a, b) => a + b, 0)).toBe(700);
    expect(s.groups).toHaveLength(501);
    expect(s.groups[0]).toMatchObject({ reason: OTHER, records: 200 });
  });
});

describe('inspect helpers', () => {
  it.each([
    ['processor@1.2.3 host-a', 'processor@1.2.3'],
    ['processor@1.2.3', 'processor@1.2.3'],
    [undefined, 'UNKNOWN'],
  ])('processorVersion(%p) = %p', (input, expected) => expect(processorVersion(input)).toBe(expected));

  it('buckets by UTC hour', () => expect(hourBucket(Date.UTC(2026, 4, 1, 23, 59, 59))).toBe('2026-05-01T23:00Z'));
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1536, '1.5 KiB'],
    [22 * 1024 * 1024 + 100_000, '22.1 MiB'],
  ])('formatBytes(%p) = %p', (bytes, text) => expect(formatBytes(bytes)).toBe(text));
});
