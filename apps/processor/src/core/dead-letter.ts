import { DLQ_ERROR_HEADER_PREFIX, DLQ_HEADERS, DLQ_OMITTED_PARTS, headerSize } from '@login/event-schema';
import type { DlqOmittedPart, ParseFailure, ReplayLineage } from '@login/event-schema';
import type { ConsumedRecord, OutgoingRecord } from '@login/kafka';

export interface DeadLetterContext {
  readonly dlqTopic: string;
  readonly group: string;
  readonly processor: string;
  /** Undefined only when even deriving the id failed (the record's coordinates are not Kafka's). */
  readonly eventId: string | undefined;
  /** The lineage of a replayed record (already validated), carried forward; undefined for a first failure. */
  readonly lineage: ReplayLineage | undefined;
  readonly failedAtMs: number;
}

type Headers = Record<string, Buffer | Buffer[] | string>;

const NOTHING: ReadonlySet<DlqOmittedPart> = new Set();

function byteLength(value: Buffer | null): number {
  return value === null ? 0 : value.length;
}

/**
 * The DLQ record for a record the processor could not process: key, value and original headers unchanged (so the
 * replayer can re-publish it byte for byte), the failure context in `__dlq.errors.*` headers (docs/contracts.md "Dead letter record").
 * Context left on the input by an earlier failure is replaced; only a validated replay lineage survives.
 *
 * `omit` leaves parts of the input out (an oversized key, oversized headers, a value that cannot fit the DLQ): the
 * record then says what it left out and how large the input was, and keeps its source coordinates, so the input can
 * still be read at its offset while it is retained.
 */
export function toDeadLetter(
  record: ConsumedRecord,
  failure: ParseFailure,
  ctx: DeadLetterContext,
  omit: ReadonlySet<DlqOmittedPart> = NOTHING,
): OutgoingRecord {
  // No prototype: a header named `__proto__` is then an own property like any other (on `{}` the assignment would
  // set the prototype and drop the header), so the dead letter keeps every original header byte for byte.
  const headers = Object.create(null) as Headers;
  if (!omit.has('headers')) {
    for (const [name, value] of Object.entries(record.headers)) {
      if (value !== undefined && !name.startsWith(DLQ_ERROR_HEADER_PREFIX)) headers[name] = value;
    }
  }
  const failedAt = String(ctx.failedAtMs);
  headers[DLQ_HEADERS.topic] = record.topic;
  headers[DLQ_HEADERS.partition] = String(record.partition);
  headers[DLQ_HEADERS.offset] = record.offset;
  headers[DLQ_HEADERS.group] = ctx.group;
  headers[DLQ_HEADERS.originalTimestamp] = record.timestamp;
  headers[DLQ_HEADERS.failedAt] = failedAt;
  headers[DLQ_HEADERS.stage] = failure.stage;
  headers[DLQ_HEADERS.reason] = failure.reason;
  // A dead letter without its value or key cannot be replayed: it says so, whatever the reason would allow.
  headers[DLQ_HEADERS.retryable] = String(failure.retryable && omit.size === 0);
  headers[DLQ_HEADERS.exceptionClass] = failure.exceptionClass;
  headers[DLQ_HEADERS.message] = failure.message;
  if (failure.validation) headers[DLQ_HEADERS.validation] = JSON.stringify(failure.validation);
  headers[DLQ_HEADERS.schemaId] = failure.schemaId;
  headers[DLQ_HEADERS.processor] = ctx.processor;
  if (ctx.eventId !== undefined) headers[DLQ_HEADERS.eventId] = ctx.eventId;
  headers[DLQ_HEADERS.replayCount] = String(ctx.lineage?.replayCount ?? 0);
  headers[DLQ_HEADERS.firstFailedAt] = String(ctx.lineage?.firstFailedAtMs ?? ctx.failedAtMs);
  if (omit.size > 0) {
    const size = headerSize(record.headers);
    headers[DLQ_HEADERS.omitted] = DLQ_OMITTED_PARTS.filter((part) => omit.has(part)).join(',');
    headers[DLQ_HEADERS.originalKeyBytes] = String(byteLength(record.key));
    headers[DLQ_HEADERS.originalValueBytes] = String(byteLength(record.value));
    headers[DLQ_HEADERS.originalHeaderCount] = String(size.count);
    headers[DLQ_HEADERS.originalHeaderBytes] = String(size.bytes);
  }
  const batch = record.oversizedBatch;
  if (batch !== undefined) {
    headers[DLQ_HEADERS.batchFirstOffset] = batch.firstOffset;
    headers[DLQ_HEADERS.batchRecords] = String(batch.records);
    headers[DLQ_HEADERS.batchCompressedBytes] = String(batch.compressedBytes);
  }
  return {
    topic: ctx.dlqTopic,
    key: omit.has('key') ? null : record.key,
    value: omit.has('value') ? null : record.value,
    headers,
    timestamp: failedAt,
  };
}
