import { dlqRecord } from '../testing/dlq-fixtures';
import { DLQ_HEADERS as H } from './dlq-headers';
import { displayBytes, formatInspect, hourBucket, InspectAggregator, processorVersion } from './inspect';

describe('InspectAggregator', () => {
  const records = [
    dlqRecord({ [H.failedAt]: String(Date.UTC(2026, 0, 1, 10, 5)) }, { offset: '0' }),
    dlqRecord({ [H.failedAt]: String(Date.UTC(2026, 0, 1, 10, 59)), [H.replayCount]: '2' }, { offset: '1' }),
    dlqRecord(
      { [H.reason]: 'INVALID_JSON', [H.stage]: 'DESERIALIZE', [H.retryable]: 'false', [H.processor]: 'processor@2.0.0 pod-x', [H.failedAt]: String(Date.UTC(2026, 0, 1, 8, 0)) },
      { offset: '2', partition: 1 },
    ),
    dlqRecord({ [H.reason]: undefined, [H.retryable]: 'maybe', [H.processor]: undefined, [H.failedAt]: undefined, [H.stage]: undefined }, { offset: '3' }),
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

  it('counts only the selection when one is given', () => {
    const agg = new InspectAggregator({ sample: 0, showValues: false, selection: { reasons: ['INVALID_JSON'] } });
    records.forEach((r) => agg.add(r));
    expect(agg.summary().total).toBe(1);
  });

  it('formats a readable report', () => {
    const agg = new InspectAggregator({ sample: 0, showValues: false });
    records.forEach((r) => agg.add(r));
    const text = formatInspect('user-login-dlq', agg.summary());
    expect(text).toContain('DLQ user-login-dlq: 4 record(s)');
    expect(text).toMatch(/by reason:\n {2}INVALID_JSON +1\n {2}TIMESTAMP_OUT_OF_RANGE +2/);
  });
});

describe('inspect helpers', () => {
  it.each([
    ['processor@1.2.3 host-a', 'processor@1.2.3'],
    ['processor@1.2.3', 'processor@1.2.3'],
    [undefined, 'UNKNOWN'],
  ])('processorVersion(%p) = %p', (input, expected) => expect(processorVersion(input)).toBe(expected));

  it('buckets by UTC hour', () => expect(hourBucket(Date.UTC(2026, 4, 1, 23, 59, 59))).toBe('2026-05-01T23:00Z'));
  it('shows non-UTF-8 bytes as base64', () => expect(displayBytes(Buffer.from([0xc3, 0x28]))).toBe('base64:wyg='));
});
