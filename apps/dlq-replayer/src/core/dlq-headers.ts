// The DLQ header names of DESIGN §4, as @login/event-schema publishes them (DLQ_HEADERS).
// Re-exported from one place so the whole replayer speaks the contract's names and nothing else.
export const DLQ_HEADERS = {
  topic: '__dlq.errors.topic',
  partition: '__dlq.errors.partition',
  offset: '__dlq.errors.offset',
  group: '__dlq.errors.group',
  originalTimestamp: '__dlq.errors.original.timestamp',
  failedAt: '__dlq.errors.failed.at',
  stage: '__dlq.errors.stage',
  reason: '__dlq.errors.reason',
  retryable: '__dlq.errors.retryable',
  exceptionClass: '__dlq.errors.exception.class',
  message: '__dlq.errors.message',
  validation: '__dlq.errors.validation',
  schemaId: '__dlq.errors.schema.id',
  processor: '__dlq.errors.processor',
  eventId: '__dlq.errors.event.id',
  replayCount: '__dlq.errors.replay.count',
  firstFailedAt: '__dlq.errors.first.failed.at',
  replayId: '__dlq.replay.id',
  replayAt: '__dlq.replay.at',
} as const;

export const DLQ_ERROR_HEADER_PREFIX = '__dlq.errors.';

/** Headers the replayer itself owns (not part of DESIGN §4's table, which the processor writes). */
export const REPLAYER_HEADERS = {
  /** Prefix of the per-run headers a replay adds; the previous round's values are replaced, never stacked. */
  replayPrefix: '__dlq.replay.',
  /** On a parked record: when the replayer parked it (epoch ms), and which run did. */
  parkedAt: '__dlq.parked.at',
  parkedRunId: '__dlq.parked.run.id',
} as const;

/** Reason codes and stages of DESIGN §4 (REASON_CODES / STAGES of @login/event-schema). */
export const REASON_CODES = [
  'EMPTY_VALUE',
  'VALUE_TOO_LARGE',
  'INVALID_ENCODING',
  'INVALID_JSON',
  'NOT_AN_OBJECT',
  'SCHEMA_VIOLATION',
  'TIMESTAMP_OUT_OF_RANGE',
  'MASKING_FAILED',
  'ENRICH_FAILED',
] as const;

export const STAGES = ['DESERIALIZE', 'VALIDATE', 'MASK', 'ENRICH'] as const;
