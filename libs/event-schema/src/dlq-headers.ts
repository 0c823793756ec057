// Header names of a dead letter record (DESIGN.md §4), following Kafka's own DLQ naming (`__dlq.errors.*`).

export const DLQ_ERROR_HEADER_PREFIX = '__dlq.errors.';

export const DLQ_HEADERS = Object.freeze({
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
} as const);

export type DlqHeaderName = (typeof DLQ_HEADERS)[keyof typeof DLQ_HEADERS];

/** Upper bound of `__dlq.errors.message`, in UTF-8 bytes. */
export const DLQ_MESSAGE_MAX_BYTES = 1024;
