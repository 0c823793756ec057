import {
  DLQ_HEADERS as H,
  REPLAYER_HEADERS,
  decodeDeadLetter,
  lineageKeyring,
  verifyLineage,
} from '@login/event-schema';
import { asRecordHeaders, dlqRecord } from '../testing/dlq-fixtures';
import { parkedHeaders, replayHeaders } from './lineage';

const lineageKey = { id: 'l1', secret: Buffer.from('replayer-unit-test-lineage-key-0123456789') };
const run = { runId: 'run-7', nowMs: 1_800_000_000_000, lineageKey };
const text = (v: Buffer | Buffer[] | undefined) => (Array.isArray(v) ? v.map((b) => b.toString()) : v?.toString());

describe('replayHeaders (the lineage of a re-published record)', () => {
  it('keeps the source headers, drops the failure context, and carries and extends the lineage', () => {
    const record = dlqRecord(
      { [H.replayCount]: '1', [H.firstFailedAt]: '1690000000000' },
      { extra: { 'x-trace': 'abc', traceparent: '00-1' } },
    );
    const headers = replayHeaders(record.headers, decodeDeadLetter(record), run, record.value);
    const { [H.lineageSignature]: signature, ...lineage } = headers;

    expect(text(signature)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Object.fromEntries(Object.entries(lineage).map(([k, v]) => [k, text(v)]))).toEqual({
      'x-trace': 'abc',
      traceparent: '00-1',
      [H.replayCount]: '2',
      [H.firstFailedAt]: '1690000000000',
      [H.eventId]: '5f0c2a52-1b7e-4e0b-9a55-0a1f0c9e8d11',
      [H.replayId]: 'run-7',
      [H.replayAt]: '1800000000000',
      [H.lineageKeyId]: 'l1',
    });
  });

  it('signs the lineage with the key and value it re-publishes: the processor verifies it', () => {
    const record = dlqRecord({ [H.replayCount]: '1' }, { extra: { 'x-trace': 'abc' } });
    const headers = replayHeaders(record.headers, decodeDeadLetter(record), run, record.value);
    const republished = { headers, key: record.key, value: record.value };
    expect(verifyLineage(republished, lineageKeyring(lineageKey))).toEqual({ ok: true });
    expect(verifyLineage({ ...republished, value: Buffer.from('{}') }, lineageKeyring(lineageKey))).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    const other = { id: 'l1', secret: Buffer.from('some-other-lineage-key-0123456789abcdef') };
    expect(verifyLineage(republished, lineageKeyring(other))).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it("replaces the previous round's signature with its own", () => {
    const record = dlqRecord({}, { extra: { [H.lineageSignature]: 'old-signature', [H.lineageKeyId]: 'old' } });
    const headers = replayHeaders(record.headers, decodeDeadLetter(record), run, record.value);
    expect(text(headers[H.lineageKeyId])).toBe('l1');
    expect(text(headers[H.lineageSignature])).not.toBe('old-signature');
    expect(verifyLineage({ headers, key: record.key, value: record.value }, lineageKeyring(lineageKey))).toEqual({
      ok: true,
    });
  });

  it('uses the exact header names the processor carries forward', () => {
    expect([H.replayCount, H.firstFailedAt, H.eventId, H.replayId, H.replayAt]).toEqual([
      '__dlq.errors.replay.count',
      '__dlq.errors.first.failed.at',
      '__dlq.errors.event.id',
      '__dlq.replay.id',
      '__dlq.replay.at',
    ]);
  });

  it('falls back to the failure time when an older record lacks first.failed.at', () => {
    const record = dlqRecord({ [H.firstFailedAt]: undefined, [H.failedAt]: '1700000000123' });
    expect(text(replayHeaders(record.headers, decodeDeadLetter(record), run, record.value)[H.firstFailedAt])).toBe(
      '1700000000123',
    );
  });

  it('replaces the previous round: repeated lineage and old replay ids are not stacked', () => {
    const record = dlqRecord({}, { extra: {} });
    const headers = {
      ...record.headers,
      ...asRecordHeaders({
        [H.replayCount]: ['1', '1'],
        [H.replayId]: 'run-old',
        [H.replayAt]: '1',
        'x-multi': ['a', 'b'],
      }),
    };
    const out = replayHeaders(headers, decodeDeadLetter({ ...record, headers }), run, record.value);
    expect(text(out[H.replayCount])).toBe('2');
    expect(text(out[H.replayId])).toBe('run-7');
    expect(text(out[H.replayAt])).toBe('1800000000000');
    expect(text(out['x-multi'])).toEqual(['a', 'b']);
  });

  it('refuses a record without event id or replay count (the decision skips those)', () => {
    const record = dlqRecord({ [H.eventId]: undefined });
    expect(() => replayHeaders(record.headers, decodeDeadLetter(record), run, record.value)).toThrow(/no event id/);
  });
});

describe('headers named __proto__ and constructor', () => {
  // As kafkajs (patched) and toRecordHeaders decode them: own properties.
  function withHostileNames(headers: ReturnType<typeof dlqRecord>['headers']) {
    Object.defineProperty(headers, '__proto__', { value: Buffer.from([0x70, 0xff]), enumerable: true });
    Object.defineProperty(headers, 'constructor', { value: [Buffer.from('a'), Buffer.from('b')], enumerable: true });
    return headers;
  }
  const expectKept = (out: Record<string, Buffer | Buffer[]>) => {
    expect(Object.keys(out)).toEqual(expect.arrayContaining(['__proto__', 'constructor']));
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toEqual(Buffer.from([0x70, 0xff]));
    expect(Object.getOwnPropertyDescriptor(out, 'constructor')?.value).toEqual([Buffer.from('a'), Buffer.from('b')]);
  };

  it('are kept by replayHeaders', () => {
    const record = dlqRecord();
    expectKept(replayHeaders(withHostileNames(record.headers), decodeDeadLetter(record), run, record.value));
  });

  it('are kept by parkedHeaders', () => {
    expectKept(parkedHeaders(withHostileNames(dlqRecord().headers), run, 'max-replays'));
  });
});

describe('parkedHeaders', () => {
  it('keeps every header, DLQ context included, and adds when, by which run and why it was parked', () => {
    const record = dlqRecord({ [H.replayCount]: '3' }, { extra: { 'x-trace': 'abc' } });
    const out = parkedHeaders(record.headers, run, 'MAX_REPLAYS_REACHED');
    for (const [name, value] of Object.entries(record.headers)) expect(out[name]).toEqual(value);
    expect(text(out[REPLAYER_HEADERS.parkedAt])).toBe('1800000000000');
    expect(text(out[REPLAYER_HEADERS.parkedRunId])).toBe('run-7');
    expect(text(out[REPLAYER_HEADERS.parkedReason])).toBe('MAX_REPLAYS_REACHED');
  });

  it('replaces, never stacks, the parked headers of an earlier round', () => {
    const record = dlqRecord(
      {},
      { extra: { [REPLAYER_HEADERS.parkedReason]: 'OLD', [REPLAYER_HEADERS.parkedAt]: '1' } },
    );
    const out = parkedHeaders(record.headers, run, 'TOO_LARGE_FOR_TARGET');
    expect(text(out[REPLAYER_HEADERS.parkedReason])).toBe('TOO_LARGE_FOR_TARGET');
    expect(text(out[REPLAYER_HEADERS.parkedAt])).toBe('1800000000000');
  });
});
