// Header names of a dead letter record (docs/contracts.md "Dead letter record"), following Kafka's own DLQ naming (`__dlq.errors.*`).

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
  // Only on a dead letter that leaves part of its input out (see DLQ_OMITTED_PARTS): what was left out, and the
  // sizes of the input record, so the record can still be found at its source coordinates.
  omitted: '__dlq.errors.omitted',
  originalKeyBytes: '__dlq.errors.original.key.bytes',
  originalValueBytes: '__dlq.errors.original.value.bytes',
  originalHeaderCount: '__dlq.errors.original.header.count',
  originalHeaderBytes: '__dlq.errors.original.header.bytes',
  // Only on a BATCH_TOO_LARGE dead letter (its offset is the batch's last): the batch it stands for.
  batchFirstOffset: '__dlq.errors.batch.first.offset',
  batchRecords: '__dlq.errors.batch.records',
  batchCompressedBytes: '__dlq.errors.batch.compressed.bytes',
  replayId: '__dlq.replay.id',
  replayAt: '__dlq.replay.at',
  // The replayer's HMAC over the lineage and the record's key and value (lineage-signature.ts), and the id of the key
  // it used: the processor trusts the lineage only when they verify.
  lineageSignature: '__dlq.replay.sig',
  lineageKeyId: '__dlq.replay.key.id',
} as const);

export type DlqHeaderName = (typeof DLQ_HEADERS)[keyof typeof DLQ_HEADERS];

/**
 * Headers only the replayer writes (docs/contracts.md "Parked records"), declared beside the dead letter's own so
 * that every `__dlq.*` name of the pipeline is in this one file; the processor never writes these.
 */
export const REPLAYER_HEADERS = Object.freeze({
  /** Prefix of the per-run headers a replay adds; the previous round's values are replaced, never stacked. */
  replayPrefix: '__dlq.replay.',
  /** On a parked record: when the replayer parked it (epoch ms), and which run did. */
  parkedAt: '__dlq.parked.at',
  parkedRunId: '__dlq.parked.run.id',
  /** Why it was parked: MAX_REPLAYS_REACHED (the loop guard) or TOO_LARGE_FOR_TARGET (over the input's limit). */
  parkedReason: '__dlq.parked.reason',
} as const);

/** Upper bound of `__dlq.errors.message`, in UTF-8 bytes. */
export const DLQ_MESSAGE_MAX_BYTES = 1024;

/**
 * Parts of the input a dead letter may leave out, named in `__dlq.errors.omitted` (comma-separated, in this order):
 * the key of a KEY_TOO_LARGE record, the headers of a HEADERS_TOO_LARGE one, and the value (and key) of a record
 * whose dead letter would not fit the DLQ topic's max.message.bytes even compressed: a reference dead letter, which
 * names its source topic, partition and offset instead. A dead letter with `omitted` cannot be replayed.
 */
export const DLQ_OMITTED_PARTS = Object.freeze(['key', 'value', 'headers'] as const);

export type DlqOmittedPart = (typeof DLQ_OMITTED_PARTS)[number];
