import { DEFAULT_PLAN_OPTIONS, dlqRecord } from '../testing/dlq-fixtures';
import { DLQ_HEADERS as H, decodeDeadLetter } from '@login/event-schema';
import { replayDecision, type ReplayOptions } from './replay-decision';

const defaults: ReplayOptions = DEFAULT_PLAN_OPTIONS;

type Case = [
  name: string,
  headers: Record<string, string | undefined>,
  options: Partial<ReplayOptions>,
  expected: { action: string; reason: string; detail?: string },
  coords?: { partition?: number; offset?: string; key?: string | null },
];

const nonRetryable = { [H.reason]: 'SCHEMA_VIOLATION', [H.retryable]: 'false' };

describe('replayDecision', () => {
  const cases: Case[] = [
    ['a retryable record with no selection is replayed', {}, {}, { action: 'replay', reason: 'SELECTED' }],
    [
      'a record replayed once is replayed again',
      { [H.replayCount]: '1' },
      {},
      { action: 'replay', reason: 'SELECTED' },
    ],
    [
      'a record one short of the limit is replayed',
      { [H.replayCount]: '2' },
      {},
      { action: 'replay', reason: 'SELECTED' },
    ],
    [
      'a record at the limit is parked',
      { [H.replayCount]: '3' },
      {},
      { action: 'park', reason: 'MAX_REPLAYS_REACHED' },
    ],
    [
      'a record beyond the limit is parked',
      { [H.replayCount]: '9' },
      {},
      { action: 'park', reason: 'MAX_REPLAYS_REACHED' },
    ],
    [
      'max-replays 0 parks every selected record',
      {},
      { maxReplays: 0 },
      { action: 'park', reason: 'MAX_REPLAYS_REACHED' },
    ],
    ['a non-retryable record is skipped by default', nonRetryable, {}, { action: 'skip', reason: 'NON_RETRYABLE' }],
    [
      'a non-retryable record named by reason but without include-non-retryable is skipped',
      nonRetryable,
      { selection: { reasons: ['SCHEMA_VIOLATION'] } },
      { action: 'skip', reason: 'NON_RETRYABLE' },
    ],
    [
      'include-non-retryable without naming its reason does not replay it',
      nonRetryable,
      { includeNonRetryable: true },
      { action: 'skip', reason: 'NON_RETRYABLE' },
    ],
    [
      'a non-retryable record named by reason with include-non-retryable is replayed',
      nonRetryable,
      { includeNonRetryable: true, selection: { reasons: ['SCHEMA_VIOLATION', 'INVALID_JSON'] } },
      { action: 'replay', reason: 'SELECTED' },
    ],
    [
      'an explicitly included non-retryable record at the limit is parked, not replayed',
      { ...nonRetryable, [H.replayCount]: '3' },
      { includeNonRetryable: true, selection: { reasons: ['SCHEMA_VIOLATION'] } },
      { action: 'park', reason: 'MAX_REPLAYS_REACHED' },
    ],
    [
      'a non-retryable record at the limit is skipped, not parked, when not included',
      { ...nonRetryable, [H.replayCount]: '5' },
      {},
      { action: 'skip', reason: 'NON_RETRYABLE' },
    ],
    [
      'another reason than selected is not selected',
      {},
      { selection: { reasons: ['INVALID_JSON'] } },
      { action: 'skip', reason: 'NOT_SELECTED', detail: 'reason' },
    ],
    [
      'another stage than selected is not selected',
      {},
      { selection: { stages: ['DESERIALIZE'] } },
      { action: 'skip', reason: 'NOT_SELECTED', detail: 'stage' },
    ],
    [
      'a selected stage is replayed',
      {},
      { selection: { stages: ['VALIDATE'] } },
      { action: 'replay', reason: 'SELECTED' },
    ],
    [
      'failed before --since is not selected',
      {},
      { selection: { sinceMs: 1700000100001 } },
      { action: 'skip', reason: 'NOT_SELECTED', detail: 'time' },
    ],
    [
      'failed exactly at --since is selected',
      {},
      { selection: { sinceMs: 1700000100000 } },
      { action: 'replay', reason: 'SELECTED' },
    ],
    [
      'failed exactly at --until is not selected (exclusive)',
      {},
      { selection: { untilMs: 1700000100000 } },
      { action: 'skip', reason: 'NOT_SELECTED', detail: 'time' },
    ],
    [
      'failed before --until is selected',
      {},
      { selection: { untilMs: 1700000100001 } },
      { action: 'replay', reason: 'SELECTED' },
    ],
    [
      'a time window with no failed-at header is not selected',
      { [H.failedAt]: undefined },
      { selection: { sinceMs: 0 } },
      { action: 'skip', reason: 'NOT_SELECTED', detail: 'time' },
    ],
    [
      'another partition is not selected',
      {},
      { selection: { partitions: [1, 2] } },
      { action: 'skip', reason: 'NOT_SELECTED', detail: 'partition' },
      { partition: 0 },
    ],
    [
      'an offset below --from-offset is not selected',
      {},
      { selection: { fromOffset: 10n } },
      { action: 'skip', reason: 'NOT_SELECTED', detail: 'offset' },
      { offset: '9' },
    ],
    [
      'an offset above --to-offset is not selected',
      {},
      { selection: { toOffset: 10n } },
      { action: 'skip', reason: 'NOT_SELECTED', detail: 'offset' },
      { offset: '11' },
    ],
    [
      'offset bounds are inclusive',
      {},
      { selection: { fromOffset: 10n, toOffset: 10n } },
      { action: 'replay', reason: 'SELECTED' },
      { offset: '10' },
    ],
    [
      'a matching key is selected',
      {},
      { selection: { keys: ['user-9', 'user-1'] } },
      { action: 'replay', reason: 'SELECTED' },
      { key: 'user-1' },
    ],
    [
      'another key is not selected',
      {},
      { selection: { keys: ['user-9'] } },
      { action: 'skip', reason: 'NOT_SELECTED', detail: 'key' },
      { key: 'user-1' },
    ],
    [
      'a null key never matches --key',
      {},
      { selection: { keys: ['user-1'] } },
      { action: 'skip', reason: 'NOT_SELECTED', detail: 'key' },
      { key: null },
    ],
    ['a null key is replayed without --key', {}, {}, { action: 'replay', reason: 'SELECTED' }, { key: null }],
    [
      'a missing replay count is malformed',
      { [H.replayCount]: undefined },
      {},
      { action: 'skip', reason: 'MALFORMED_HEADERS' },
    ],
    [
      'a negative replay count is malformed',
      { [H.replayCount]: '-1' },
      {},
      { action: 'skip', reason: 'MALFORMED_HEADERS' },
    ],
    [
      'a non-numeric replay count is malformed',
      { [H.replayCount]: 'two' },
      {},
      { action: 'skip', reason: 'MALFORMED_HEADERS' },
    ],
    [
      'a fractional replay count is malformed',
      { [H.replayCount]: '1.5' },
      {},
      { action: 'skip', reason: 'MALFORMED_HEADERS' },
    ],
    [
      'a replay count in exponent form is malformed',
      { [H.replayCount]: '1e21' },
      {},
      { action: 'skip', reason: 'MALFORMED_HEADERS' },
    ],
    [
      'a replay count above the shared bound is malformed',
      { [H.replayCount]: '1001' },
      {},
      { action: 'skip', reason: 'MALFORMED_HEADERS' },
    ],
    [
      'a replay count with a leading zero is malformed',
      { [H.replayCount]: '01' },
      {},
      { action: 'skip', reason: 'MALFORMED_HEADERS' },
    ],
    [
      'a first-failed-at before 2000 is malformed',
      { [H.firstFailedAt]: '1' },
      {},
      { action: 'skip', reason: 'MALFORMED_HEADERS' },
    ],
    [
      'a reference dead letter (value omitted) is never replayed',
      { [H.omitted]: 'value' },
      {},
      { action: 'skip', reason: 'MALFORMED_HEADERS' },
    ],
    [
      'a missing retryable flag is malformed',
      { [H.retryable]: undefined },
      {},
      { action: 'skip', reason: 'MALFORMED_HEADERS' },
    ],
    [
      'a retryable flag other than true/false is malformed',
      { [H.retryable]: 'TRUE' },
      {},
      { action: 'skip', reason: 'MALFORMED_HEADERS' },
    ],
    ['a missing reason is malformed', { [H.reason]: undefined }, {}, { action: 'skip', reason: 'MALFORMED_HEADERS' }],
    [
      'a missing source topic is malformed',
      { [H.topic]: undefined },
      {},
      { action: 'skip', reason: 'MALFORMED_HEADERS' },
    ],
    ['an empty source topic is malformed', { [H.topic]: '' }, {}, { action: 'skip', reason: 'MALFORMED_HEADERS' }],
    [
      'a missing event id is malformed (its event_id would change)',
      { [H.eventId]: undefined },
      {},
      { action: 'skip', reason: 'MALFORMED_HEADERS' },
    ],
    [
      'a malformed failed-at is malformed',
      { [H.failedAt]: 'yesterday' },
      {},
      { action: 'skip', reason: 'MALFORMED_HEADERS' },
    ],
    [
      'a source topic equal to the DLQ is refused',
      { [H.topic]: 'user-login-dlq' },
      {},
      { action: 'skip', reason: 'FORBIDDEN_TARGET' },
    ],
    [
      'a source topic equal to the output is refused',
      { [H.topic]: 'processed-user-login' },
      {},
      { action: 'skip', reason: 'FORBIDDEN_TARGET' },
    ],
    [
      'a source topic other than the input is refused',
      { [H.topic]: 'other-topic' },
      {},
      { action: 'skip', reason: 'TARGET_MISMATCH' },
    ],
    [
      'not-selected wins over malformed',
      { [H.replayCount]: 'x' },
      { selection: { partitions: [3] } },
      { action: 'skip', reason: 'NOT_SELECTED', detail: 'partition' },
    ],
    [
      'malformed wins over the loop guard',
      { [H.replayCount]: '7', [H.retryable]: 'maybe' },
      {},
      { action: 'skip', reason: 'MALFORMED_HEADERS' },
    ],
  ];

  // Rest parameters: jest-each would take a fifth declared parameter for a `done` callback.
  it.each(cases)('%s', (...[, headers, options, expected, coords]: Case) => {
    const view = decodeDeadLetter(dlqRecord(headers, coords ?? {}));
    const decision = replayDecision(view, { ...defaults, ...options });
    expect(decision).toMatchObject(expected);
  });

  it('replays to the configured input topic', () => {
    const decision = replayDecision(decodeDeadLetter(dlqRecord()), defaults);
    expect(decision).toEqual({ action: 'replay', reason: 'SELECTED', target: 'user-login' });
  });

  it('reads the last value of a repeated header (the processor appends its own)', () => {
    const record = dlqRecord();
    const headers = { ...record.headers, [H.replayCount]: [Buffer.from('0'), Buffer.from('3')] };
    expect(replayDecision(decodeDeadLetter({ ...record, headers }), defaults)).toMatchObject({ action: 'park' });
  });
});
