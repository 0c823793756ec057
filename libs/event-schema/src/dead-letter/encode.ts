// The writer of the dead-letter record (docs/contracts.md "Dead letter record"), next to its reader (decode.ts) so
// that one round-trip table (dead-letter.spec.ts) pins both: the processor produces what this returns.
import type { ReplayLineage } from '../lineage';
import { headerSize } from '../record-limits';
import type { ParseFailure } from '../types';
import { DLQ_ERROR_HEADER_PREFIX, DLQ_HEADERS, DLQ_OMITTED_PARTS } from './headers';
import type { DlqOmittedPart } from './headers';

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

/** Headers as the Kafka adapter hands them over (libs/kafka's RecordHeaders): a repeated name keeps every value. */
export type DeadLetterSourceHeaders = Readonly<Record<string, Buffer | Buffer[] | undefined>>;

/** What is known of a compressed batch too large to decompress, which one dead letter stands for. */
export interface DeadLetterBatch {
  readonly firstOffset: string;
  readonly records: number;
  readonly compressedBytes: number;
}

/** The record that failed, structurally libs/kafka's ConsumedRecord: the contract library needs no Kafka types. */
export interface DeadLetterSource {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly timestamp: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: DeadLetterSourceHeaders;
  readonly oversizedBatch?: DeadLetterBatch;
}

export type DeadLetterHeaders = Record<string, Buffer | Buffer[] | string>;

/** The dead letter to produce, structurally an OutgoingRecord of libs/kafka (strings are sent as UTF-8). */
export interface DeadLetterRecord {
  readonly topic: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: DeadLetterHeaders;
  readonly timestamp: string;
}

const NOTHING: ReadonlySet<DlqOmittedPart> = new Set();

function byteLength(value: Buffer | null): number {
  return value === null ? 0 : value.length;
}

/** The input's own headers, minus the failure context an earlier failure left (it is written afresh below). */
function originalHeaders(record: DeadLetterSource, omit: ReadonlySet<DlqOmittedPart>): DeadLetterHeaders {
  // No prototype: a header named `__proto__` is then an own property like any other (on `{}` the assignment would
  // set the prototype and drop the header), so the dead letter keeps every original header byte for byte.
  const headers = Object.create(null) as DeadLetterHeaders;
  if (omit.has('headers')) return headers;
  for (const [name, value] of Object.entries(record.headers)) {
    if (value !== undefined && !name.startsWith(DLQ_ERROR_HEADER_PREFIX)) headers[name] = value;
  }
  return headers;
}

/** Source coordinates and the failure, in the order of the contract's table (the order they are sent in). */
function addFailure(
  headers: DeadLetterHeaders,
  record: DeadLetterSource,
  failure: ParseFailure,
  ctx: DeadLetterContext,
  omit: ReadonlySet<DlqOmittedPart>,
): void {
  headers[DLQ_HEADERS.topic] = record.topic;
  headers[DLQ_HEADERS.partition] = String(record.partition);
  headers[DLQ_HEADERS.offset] = record.offset;
  headers[DLQ_HEADERS.group] = ctx.group;
  headers[DLQ_HEADERS.originalTimestamp] = record.timestamp;
  headers[DLQ_HEADERS.failedAt] = String(ctx.failedAtMs);
  headers[DLQ_HEADERS.stage] = failure.stage;
  headers[DLQ_HEADERS.reason] = failure.reason;
  // A dead letter without its value or key cannot be replayed: it says so, whatever the reason would allow.
  headers[DLQ_HEADERS.retryable] = String(failure.retryable && omit.size === 0);
  headers[DLQ_HEADERS.exceptionClass] = failure.exceptionClass;
  headers[DLQ_HEADERS.message] = failure.message;
  if (failure.validation) headers[DLQ_HEADERS.validation] = JSON.stringify(failure.validation);
  headers[DLQ_HEADERS.schemaId] = failure.schemaId;
  headers[DLQ_HEADERS.processor] = ctx.processor;
}

/** The lineage carried forward: only a validated one survives, a first failure starts at count 0. */
function addLineage(headers: DeadLetterHeaders, ctx: DeadLetterContext): void {
  if (ctx.eventId !== undefined) headers[DLQ_HEADERS.eventId] = ctx.eventId;
  headers[DLQ_HEADERS.replayCount] = String(ctx.lineage?.replayCount ?? 0);
  headers[DLQ_HEADERS.firstFailedAt] = String(ctx.lineage?.firstFailedAtMs ?? ctx.failedAtMs);
}

/** What a reference dead letter left out, and the input's sizes, so the input can still be found and judged. */
function addOmitted(headers: DeadLetterHeaders, record: DeadLetterSource, omit: ReadonlySet<DlqOmittedPart>): void {
  if (omit.size === 0) return;
  const size = headerSize(record.headers);
  headers[DLQ_HEADERS.omitted] = DLQ_OMITTED_PARTS.filter((part) => omit.has(part)).join(',');
  headers[DLQ_HEADERS.originalKeyBytes] = String(byteLength(record.key));
  headers[DLQ_HEADERS.originalValueBytes] = String(byteLength(record.value));
  headers[DLQ_HEADERS.originalHeaderCount] = String(size.count);
  headers[DLQ_HEADERS.originalHeaderBytes] = String(size.bytes);
}

/** The batch a BATCH_TOO_LARGE stand-in represents: its offset is the batch's last, these say the rest. */
function addBatch(headers: DeadLetterHeaders, batch: DeadLetterBatch | undefined): void {
  if (batch === undefined) return;
  headers[DLQ_HEADERS.batchFirstOffset] = batch.firstOffset;
  headers[DLQ_HEADERS.batchRecords] = String(batch.records);
  headers[DLQ_HEADERS.batchCompressedBytes] = String(batch.compressedBytes);
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
export function encodeDeadLetter(
  record: DeadLetterSource,
  failure: ParseFailure,
  ctx: DeadLetterContext,
  omit: ReadonlySet<DlqOmittedPart> = NOTHING,
): DeadLetterRecord {
  const headers = originalHeaders(record, omit);
  addFailure(headers, record, failure, ctx, omit);
  addLineage(headers, ctx);
  addOmitted(headers, record, omit);
  addBatch(headers, record.oversizedBatch);
  return {
    topic: ctx.dlqTopic,
    key: omit.has('key') ? null : record.key,
    value: omit.has('value') ? null : record.value,
    headers,
    // The dead letter's own time is its failure time (docs/contracts.md), the same value as `failed.at`.
    timestamp: String(ctx.failedAtMs),
  };
}
