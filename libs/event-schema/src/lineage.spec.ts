import { DLQ_HEADERS as H } from './dead-letter/headers';
import { MAX_REPLAY_COUNT, parseLineageTime, parseReplayCount, readReplayLineage } from './lineage';
import { lastHeaderText, lastHeaderValue } from './record-headers';
import type { HeaderValues } from './record-headers';

const EVENT_ID = '5f0c2a52-1b7e-8e0b-9a55-0a1f0c9e8d11';
const headers = (values: Record<string, string | string[] | undefined>): HeaderValues =>
  Object.fromEntries(
    Object.entries(values)
      .filter((e): e is [string, string | string[]] => e[1] !== undefined)
      .map(([k, v]) => [k, Array.isArray(v) ? v.map((x) => Buffer.from(x)) : Buffer.from(v)]),
  );
const replayed = (overrides: Record<string, string | string[] | undefined> = {}) =>
  headers({
    [H.replayId]: 'run-7',
    [H.replayCount]: '2',
    [H.eventId]: EVENT_ID,
    [H.firstFailedAt]: '1700000000000',
    ...overrides,
  });

describe('the rule for a repeated header (shared by processor and replayer)', () => {
  it("the last value wins, like Kafka's Headers.lastHeader", () => {
    const h = headers({ a: ['first', 'second', 'last'], b: 'only' });
    expect(lastHeaderText(h, 'a')).toBe('last');
    expect(lastHeaderText(h, 'b')).toBe('only');
    expect(lastHeaderText(h, 'missing')).toBeUndefined();
    expect(lastHeaderValue({ a: [] }, 'a')).toBeUndefined();
  });

  it('never reads an inherited property as a header', () => {
    expect(lastHeaderText({}, 'constructor')).toBeUndefined();
    expect(lastHeaderText({}, '__proto__')).toBeUndefined();
  });
});

describe('lineage numbers', () => {
  it.each([
    ['0', 0],
    ['1', 1],
    [String(MAX_REPLAY_COUNT), MAX_REPLAY_COUNT],
    [String(MAX_REPLAY_COUNT + 1), undefined],
    ['1e21', undefined],
    ['01', undefined],
    ['-1', undefined],
    ['+1', undefined],
    ['1.0', undefined],
    [' 1', undefined],
    ['0x10', undefined],
    ['', undefined],
    ['١', undefined],
    [undefined, undefined],
  ])('replay count %p → %p', (text, expected) => {
    expect(parseReplayCount(text)).toBe(expected);
  });

  it.each([
    ['1700000000000', 1_700_000_000_000],
    ['946684800000', 946_684_800_000],
    ['946684799999', undefined],
    ['9999999999999', 9_999_999_999_999],
    ['10000000000000', undefined],
    ['1.7e12', undefined],
    ['01700000000000', undefined],
    ['yesterday', undefined],
  ])('lineage time %p → %p', (text, expected) => {
    expect(parseLineageTime(text)).toBe(expected);
  });
});

describe('readReplayLineage', () => {
  it('reads the lineage of a record the replayer re-published', () => {
    expect(readReplayLineage(replayed())).toEqual({
      replayId: 'run-7',
      replayCount: 2,
      eventId: EVENT_ID,
      firstFailedAtMs: 1_700_000_000_000,
    });
  });

  it.each([
    ['no replay id: a fresh record that copied the headers', { [H.replayId]: undefined }],
    ['a malformed replay id', { [H.replayId]: 'run 7; drop' }],
    ['a replay count of 0', { [H.replayCount]: '0' }],
    ['a replay count of 1e21', { [H.replayCount]: '1e21' }],
    ['no replay count', { [H.replayCount]: undefined }],
  ])('is undefined for %s', (_name, overrides) => {
    expect(readReplayLineage(replayed(overrides))).toBeUndefined();
  });

  it.each([
    ['free text', 'SPOOF 203.0.113.70'],
    ['a UUID with text after it', `${EVENT_ID} x`],
    ['empty', ''],
  ])('never carries an event id that is %s', (_name, eventId) => {
    const lineage = readReplayLineage(replayed({ [H.eventId]: eventId }));
    expect(lineage).toBeDefined();
    expect(lineage).not.toHaveProperty('eventId');
  });

  it('drops a malformed first-failed-at but keeps the rest', () => {
    expect(readReplayLineage(replayed({ [H.firstFailedAt]: '1e21' }))).toEqual({
      replayId: 'run-7',
      replayCount: 2,
      eventId: EVENT_ID,
    });
  });

  it('reads repeated lineage headers by the shared rule (last wins)', () => {
    const lineage = readReplayLineage(replayed({ [H.eventId]: ['SPOOF', EVENT_ID], [H.replayCount]: ['9', '3'] }));
    expect(lineage).toMatchObject({ eventId: EVENT_ID, replayCount: 3 });
    expect(readReplayLineage(replayed({ [H.eventId]: [EVENT_ID, 'SPOOF'] }))).not.toHaveProperty('eventId');
  });
});
