// The dead-letter record of docs/contracts.md "Dead letter record", pinned from both ends: each row is written by
// encodeDeadLetter (what the processor produces) and read back by decodeDeadLetter (what the replayer decides on).
// Header names and values are literal here, in the order they are sent: renaming, reordering or reformatting one
// breaks every DLQ consumer and dashboard, so it must fail this table first.
import { INPUT_SCHEMA_ID } from '../input-schema';
import type { ParseFailure } from '../types';
import { decodeDeadLetter } from './decode';
import type { DeadLetterView } from './decode';
import { encodeDeadLetter } from './encode';
import type { DeadLetterContext, DeadLetterHeaders, DeadLetterSource } from './encode';
import type { DlqOmittedPart } from './headers';

type HeaderText = string | readonly string[];

interface RoundTrip {
  readonly name: string;
  readonly source: Partial<DeadLetterSource>;
  readonly failure: Partial<ParseFailure>;
  readonly ctx?: Partial<DeadLetterContext>;
  readonly omit?: readonly DlqOmittedPart[];
  /** Every header of the dead letter, in the order it is sent, as UTF-8 text. */
  readonly headers: readonly (readonly [string, HeaderText])[];
  readonly key: string | null;
  readonly value: string | null;
  /** What the replayer reads back, beside the DLQ coordinates and key. */
  readonly view: Omit<DeadLetterView, 'partition' | 'offset' | 'key'>;
}

const EVENT_ID = '5f0c2a52-1b7e-4e0b-9a55-0a1f0c9e8d11';
const FAILED_AT = 1_700_000_100_000;
const REFERENCE = '__dlq.errors.omitted present: a reference dead letter, not replayable';

const SOURCE: DeadLetterSource = {
  topic: 'user-login',
  partition: 2,
  offset: '42',
  timestamp: '1700000000000',
  key: Buffer.from('user-1'),
  value: Buffer.from('{"user_id":"u"}'),
  headers: { traceparent: Buffer.from('00-abc-01') },
};

const CTX: DeadLetterContext = {
  dlqTopic: 'user-login-dlq',
  group: 'login-processor',
  processor: 'processor@1.0.0 host-a',
  eventId: EVENT_ID,
  lineage: undefined,
  failedAtMs: FAILED_AT,
};

const FUTURE: ParseFailure = {
  stage: 'VALIDATE',
  reason: 'TIMESTAMP_OUT_OF_RANGE',
  retryable: true,
  exceptionClass: 'ValidationError',
  message: 'event time is in the future',
  schemaId: INPUT_SCHEMA_ID,
};

/** The failure context every dead letter carries, in the order it is sent; `set` replaces values, `drop` names. */
function context(
  set: Readonly<Record<string, string>> = {},
  drop: readonly string[] = [],
): (readonly [string, string])[] {
  const base: [string, string][] = [
    ['__dlq.errors.topic', 'user-login'],
    ['__dlq.errors.partition', '2'],
    ['__dlq.errors.offset', '42'],
    ['__dlq.errors.group', 'login-processor'],
    ['__dlq.errors.original.timestamp', '1700000000000'],
    ['__dlq.errors.failed.at', '1700000100000'],
    ['__dlq.errors.stage', 'VALIDATE'],
    ['__dlq.errors.reason', 'TIMESTAMP_OUT_OF_RANGE'],
    ['__dlq.errors.retryable', 'true'],
    ['__dlq.errors.exception.class', 'ValidationError'],
    ['__dlq.errors.message', 'event time is in the future'],
    ['__dlq.errors.schema.id', INPUT_SCHEMA_ID],
    ['__dlq.errors.processor', 'processor@1.0.0 host-a'],
    ['__dlq.errors.event.id', EVENT_ID],
    ['__dlq.errors.replay.count', '0'],
    ['__dlq.errors.first.failed.at', '1700000100000'],
  ];
  return base.filter(([name]) => !drop.includes(name)).map(([name, value]) => [name, set[name] ?? value]);
}

/** The headers of a reference dead letter, after the context: what it left out and the input's sizes. */
function omitted(parts: string, sizes: readonly [number, number, number, number]): (readonly [string, string])[] {
  return [
    ['__dlq.errors.omitted', parts],
    ['__dlq.errors.original.key.bytes', String(sizes[0])],
    ['__dlq.errors.original.value.bytes', String(sizes[1])],
    ['__dlq.errors.original.header.count', String(sizes[2])],
    ['__dlq.errors.original.header.bytes', String(sizes[3])],
  ];
}

/** The view of a first TIMESTAMP_OUT_OF_RANGE failure of SOURCE; rows override what differs. */
const VIEW: RoundTrip['view'] = {
  sourceTopic: 'user-login',
  reason: 'TIMESTAMP_OUT_OF_RANGE',
  stage: 'VALIDATE',
  retryable: true,
  failedAtMs: FAILED_AT,
  firstFailedAtMs: FAILED_AT,
  eventId: EVENT_ID,
  replayCount: 0,
  processor: 'processor@1.0.0 host-a',
  problems: [],
};

const KEY_TOO_LARGE: Partial<ParseFailure> = {
  stage: 'DESERIALIZE',
  reason: 'KEY_TOO_LARGE',
  retryable: false,
  exceptionClass: 'RecordLimitError',
  message: 'key over MAX_KEY_BYTES',
};

const INTERNAL: Partial<ParseFailure> = {
  stage: 'DESERIALIZE',
  reason: 'INTERNAL_ERROR',
  retryable: false,
  exceptionClass: 'TypeError',
  message: 'internal error',
};

const BATCH: Partial<ParseFailure> = {
  stage: 'DESERIALIZE',
  reason: 'BATCH_TOO_LARGE',
  retryable: false,
  exceptionClass: 'DecompressionLimitError',
  message: 'batch over MAX_DECOMPRESSED_BATCH_BYTES',
};

const internalContext = { '__dlq.errors.stage': 'DESERIALIZE', '__dlq.errors.reason': 'INTERNAL_ERROR' };
const internalView = { stage: 'DESERIALIZE', reason: 'INTERNAL_ERROR', retryable: false };

const ROUND_TRIPS: readonly RoundTrip[] = [
  {
    name: 'a first failure: original headers kept in order (a repeated one whole), stale context replaced',
    source: {
      headers: {
        traceparent: Buffer.from('00-abc-01'),
        'x-tag': [Buffer.from('a'), Buffer.from('b')],
        '__dlq.errors.reason': Buffer.from('STALE'),
        '__dlq.errors.omitted': Buffer.from('value'),
      },
    },
    failure: {},
    headers: [['traceparent', '00-abc-01'], ['x-tag', ['a', 'b']], ...context()],
    key: 'user-1',
    value: '{"user_id":"u"}',
    view: VIEW,
  },
  {
    name: 'a schema violation: its issues as compact JSON after the message, not retryable',
    source: {},
    failure: {
      reason: 'SCHEMA_VIOLATION',
      retryable: false,
      message: 'does not match the input schema',
      validation: [{ instancePath: '/ip', keyword: 'format', params: { format: 'ip' } }],
    },
    headers: [
      ['traceparent', '00-abc-01'],
      ...context({
        '__dlq.errors.reason': 'SCHEMA_VIOLATION',
        '__dlq.errors.retryable': 'false',
        '__dlq.errors.message': 'does not match the input schema',
      }).flatMap((h): (readonly [string, string])[] =>
        h[0] === '__dlq.errors.message'
          ? [h, ['__dlq.errors.validation', '[{"instancePath":"/ip","keyword":"format","params":{"format":"ip"}}]']]
          : [h],
      ),
    ],
    key: 'user-1',
    value: '{"user_id":"u"}',
    view: { ...VIEW, reason: 'SCHEMA_VIOLATION', retryable: false },
  },
  {
    name: 'a replayed record: its validated lineage carried forward, its replay headers kept',
    source: {
      headers: {
        traceparent: Buffer.from('00-abc-01'),
        '__dlq.replay.id': Buffer.from('run-7'),
        '__dlq.errors.replay.count': Buffer.from('2'),
      },
    },
    failure: {},
    ctx: { lineage: { replayId: 'run-7', replayCount: 2, eventId: EVENT_ID, firstFailedAtMs: 1_699_000_000_000 } },
    headers: [
      ['traceparent', '00-abc-01'],
      ['__dlq.replay.id', 'run-7'],
      ...context({ '__dlq.errors.replay.count': '2', '__dlq.errors.first.failed.at': '1699000000000' }),
    ],
    key: 'user-1',
    value: '{"user_id":"u"}',
    view: { ...VIEW, replayCount: 2, firstFailedAtMs: 1_699_000_000_000 },
  },
  {
    name: 'headers named __proto__ and constructor: kept byte for byte',
    source: {
      headers: Object.fromEntries([
        ['__proto__', Buffer.from('p')],
        ['constructor', Buffer.from('c')],
      ]),
    },
    failure: {},
    headers: [['__proto__', 'p'], ['constructor', 'c'], ...context()],
    key: 'user-1',
    value: '{"user_id":"u"}',
    view: VIEW,
  },
  {
    name: 'KEY_TOO_LARGE: a reference dead letter without its key, naming the input sizes',
    source: { key: Buffer.alloc(2000, 'k') },
    failure: KEY_TOO_LARGE,
    omit: ['key'],
    headers: [
      ['traceparent', '00-abc-01'],
      ...context({
        '__dlq.errors.stage': 'DESERIALIZE',
        '__dlq.errors.reason': 'KEY_TOO_LARGE',
        '__dlq.errors.retryable': 'false',
        '__dlq.errors.exception.class': 'RecordLimitError',
        '__dlq.errors.message': 'key over MAX_KEY_BYTES',
      }),
      ...omitted('key', [2000, 15, 1, 20]),
    ],
    key: null,
    value: '{"user_id":"u"}',
    view: { ...VIEW, stage: 'DESERIALIZE', reason: 'KEY_TOO_LARGE', retryable: false, problems: [REFERENCE] },
  },
  {
    name: 'a retryable failure whose value cannot fit the DLQ: without its value, and never retryable',
    source: {},
    failure: {},
    omit: ['value'],
    headers: [
      ['traceparent', '00-abc-01'],
      ...context({ '__dlq.errors.retryable': 'false' }),
      ...omitted('value', [6, 15, 1, 20]),
    ],
    key: 'user-1',
    value: null,
    view: { ...VIEW, retryable: false, problems: [REFERENCE] },
  },
  {
    name: 'a record without an event id: a reference dead letter from its coordinates only',
    source: { key: null, value: null, headers: {} },
    failure: INTERNAL,
    ctx: { eventId: undefined },
    omit: ['headers', 'value', 'key'],
    headers: [
      ...context(
        {
          ...internalContext,
          '__dlq.errors.retryable': 'false',
          '__dlq.errors.exception.class': 'TypeError',
          '__dlq.errors.message': 'internal error',
        },
        ['__dlq.errors.event.id'],
      ),
      ...omitted('key,value,headers', [0, 0, 0, 0]),
    ],
    key: null,
    value: null,
    view: { ...VIEW, ...internalView, eventId: undefined, problems: ['__dlq.errors.event.id missing', REFERENCE] },
  },
  {
    name: 'BATCH_TOO_LARGE: one reference dead letter at the batch last offset stands for the batch',
    source: {
      offset: '149',
      key: null,
      value: null,
      headers: {},
      oversizedBatch: { firstOffset: '100', records: 50, compressedBytes: 4321 },
    },
    failure: BATCH,
    omit: ['key', 'value', 'headers'],
    headers: [
      ...context({
        '__dlq.errors.offset': '149',
        '__dlq.errors.stage': 'DESERIALIZE',
        '__dlq.errors.reason': 'BATCH_TOO_LARGE',
        '__dlq.errors.retryable': 'false',
        '__dlq.errors.exception.class': 'DecompressionLimitError',
        '__dlq.errors.message': 'batch over MAX_DECOMPRESSED_BATCH_BYTES',
      }),
      ...omitted('key,value,headers', [0, 0, 0, 0]),
      ['__dlq.errors.batch.first.offset', '100'],
      ['__dlq.errors.batch.records', '50'],
      ['__dlq.errors.batch.compressed.bytes', '4321'],
    ],
    key: null,
    value: null,
    view: { ...VIEW, stage: 'DESERIALIZE', reason: 'BATCH_TOO_LARGE', retryable: false, problems: [REFERENCE] },
  },
];

function text(value: Buffer | Buffer[] | string): HeaderText {
  if (Array.isArray(value)) return value.map((v) => v.toString('utf8'));
  return typeof value === 'string' ? value : value.toString('utf8');
}

/** The headers as a consumer receives them: bytes, strings sent as UTF-8. */
function onTheWire(headers: DeadLetterHeaders): Record<string, Buffer | Buffer[]> {
  const wire = Object.create(null) as Record<string, Buffer | Buffer[]>;
  for (const [name, value] of Object.entries(headers))
    wire[name] = typeof value === 'string' ? Buffer.from(value) : value;
  return wire;
}

const bytes = (value: string | null): Buffer | null => (value === null ? null : Buffer.from(value));

describe('the dead-letter record, written and read back', () => {
  it.each(ROUND_TRIPS)('$name', (row) => {
    const source = { ...SOURCE, ...row.source };
    const written = encodeDeadLetter(source, { ...FUTURE, ...row.failure }, { ...CTX, ...row.ctx }, new Set(row.omit));

    expect(Object.entries(written.headers).map(([name, value]) => [name, text(value)])).toEqual(row.headers);
    expect(written).toMatchObject({ topic: 'user-login-dlq', timestamp: '1700000100000' });
    expect(written.key).toEqual(bytes(row.key));
    expect(written.value).toEqual(bytes(row.value));

    const read = decodeDeadLetter({ partition: 0, offset: '7', key: written.key, headers: onTheWire(written.headers) });
    expect(read).toEqual({ partition: 0, offset: 7n, key: bytes(row.key), ...row.view });
  });

  it('keeps the original key and value buffers, not copies', () => {
    const written = encodeDeadLetter(SOURCE, FUTURE, CTX);
    expect(written.key).toBe(SOURCE.key);
    expect(written.value).toBe(SOURCE.value);
  });
});
