import { DLQ_ERROR_HEADER_PREFIX, DLQ_HEADERS } from '@login/event-schema';
import type { ParseFailure } from '@login/event-schema';
import type { ConsumedRecord, OutgoingRecord, RecordHeaders } from '@login/kafka';

export interface DeadLetterContext {
  readonly dlqTopic: string;
  readonly group: string;
  readonly processor: string;
  readonly eventId: string;
  readonly failedAtMs: number;
}

/** First value of a header as UTF-8, if present. */
export function headerText(headers: RecordHeaders, name: string): string | undefined {
  const value = headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString('utf8');
}

function carriedCount(headers: RecordHeaders): string {
  const count = Number(headerText(headers, DLQ_HEADERS.replayCount));
  return Number.isInteger(count) && count >= 0 ? String(count) : '0';
}

/**
 * The DLQ record for a record the processor could not process: key, value and original headers unchanged (so the
 * replayer can re-publish it byte for byte), the failure context in `__dlq.errors.*` headers (DESIGN §4).
 * Context left on the input by an earlier failure is replaced, except the lineage that must survive replays.
 */
export function toDeadLetter(record: ConsumedRecord, failure: ParseFailure, ctx: DeadLetterContext): OutgoingRecord {
  const headers: Record<string, Buffer | Buffer[] | string> = {};
  for (const [name, value] of Object.entries(record.headers)) {
    if (value !== undefined && !name.startsWith(DLQ_ERROR_HEADER_PREFIX)) headers[name] = value;
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
  headers[DLQ_HEADERS.retryable] = String(failure.retryable);
  headers[DLQ_HEADERS.exceptionClass] = failure.exceptionClass;
  headers[DLQ_HEADERS.message] = failure.message;
  if (failure.validation) headers[DLQ_HEADERS.validation] = JSON.stringify(failure.validation);
  headers[DLQ_HEADERS.schemaId] = failure.schemaId;
  headers[DLQ_HEADERS.processor] = ctx.processor;
  headers[DLQ_HEADERS.eventId] = ctx.eventId;
  headers[DLQ_HEADERS.replayCount] = carriedCount(record.headers);
  headers[DLQ_HEADERS.firstFailedAt] = headerText(record.headers, DLQ_HEADERS.firstFailedAt) ?? failedAt;
  return { topic: ctx.dlqTopic, key: record.key, value: record.value, headers, timestamp: failedAt };
}
