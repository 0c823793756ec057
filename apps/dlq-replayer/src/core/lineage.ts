import { DLQ_ERROR_HEADER_PREFIX, DLQ_HEADERS, REPLAYER_HEADERS, signLineage } from '@login/event-schema';
import type { DeadLetterView, LineageKey } from '@login/event-schema';
import type { RecordHeaders } from '@login/kafka';

/** Header map in the shape producers take; a repeated header keeps every value, in order. */
export type OutgoingHeaders = Record<string, Buffer | Buffer[]>;

export interface ReplayRun {
  /** Identifies one replayer run; written as `__dlq.replay.id` on everything it re-publishes. */
  readonly runId: string;
  /** When the record is re-published, epoch ms. */
  readonly nowMs: number;
  /** Signs the lineage of what it re-publishes (`LINEAGE_KEY`): the processor trusts no unsigned lineage. */
  readonly lineageKey: LineageKey;
}

function copyHeaders(headers: RecordHeaders, keep: (name: string) => boolean): OutgoingHeaders {
  // No prototype: a header named `__proto__` stays an own property (on `{}` the assignment would set the prototype
  // and drop the header), so a replayed or parked record keeps every original header.
  const out = Object.create(null) as OutgoingHeaders;
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || !keep(name)) continue;
    out[name] = Array.isArray(value) ? [...value] : value;
  }
  return out;
}

/**
 * Headers of a record re-published to the input topic. The source record's own headers are kept as they came;
 * the failure context (`__dlq.errors.*`) and the previous round's `__dlq.replay.*` are removed; the lineage the
 * processor carries forward is set once, with the exact DLQ_HEADERS names:
 * - `__dlq.errors.replay.count`: previous count + 1 (the loop guard's counter);
 * - `__dlq.errors.first.failed.at`: carried (the current failure time when an old record lacks it);
 * - `__dlq.errors.event.id`: carried, so the processor gives the record the event_id of its first attempt;
 * - `__dlq.replay.id` and `__dlq.replay.at`: this run;
 * - `__dlq.replay.sig` and `__dlq.replay.key.id`: the signature of the lineage above (not `replay.at`) and of the
 *   record's key and `value`, so the processor can tell this lineage from one any producer could write.
 * Requires a record that passed `replayDecision` (event id and replay count present).
 */
export function replayHeaders(
  headers: RecordHeaders,
  record: DeadLetterView,
  run: ReplayRun,
  value: Buffer | null,
): OutgoingHeaders {
  if (record.eventId === undefined || record.replayCount === undefined) {
    throw new Error(`replayHeaders: record ${record.partition}/${record.offset} has no event id or replay count`);
  }
  const out = copyHeaders(
    headers,
    (name) => !name.startsWith(DLQ_ERROR_HEADER_PREFIX) && !name.startsWith(REPLAYER_HEADERS.replayPrefix),
  );
  const time = record.firstFailedAtMs ?? record.failedAtMs;
  const lineage = {
    replayId: Buffer.from(run.runId),
    replayCount: Buffer.from(String(record.replayCount + 1)),
    eventId: Buffer.from(record.eventId),
    firstFailedAt: time === undefined ? undefined : Buffer.from(String(time)),
  };
  const signature = signLineage({ ...lineage, key: record.key, value }, run.lineageKey);
  out[DLQ_HEADERS.replayCount] = lineage.replayCount;
  if (lineage.firstFailedAt !== undefined) out[DLQ_HEADERS.firstFailedAt] = lineage.firstFailedAt;
  out[DLQ_HEADERS.eventId] = lineage.eventId;
  out[DLQ_HEADERS.replayId] = lineage.replayId;
  out[DLQ_HEADERS.replayAt] = Buffer.from(String(run.nowMs));
  out[DLQ_HEADERS.lineageSignature] = Buffer.from(signature.signature);
  out[DLQ_HEADERS.lineageKeyId] = Buffer.from(signature.keyId);
  return out;
}

const PARKED_HEADERS: ReadonlySet<string> = new Set([
  REPLAYER_HEADERS.parkedAt,
  REPLAYER_HEADERS.parkedRunId,
  REPLAYER_HEADERS.parkedReason,
]);

/** Headers of a record moved to the parked topic: every DLQ header intact, plus when, by which run and why. */
export function parkedHeaders(headers: RecordHeaders, run: ReplayRun, reason: string): OutgoingHeaders {
  const out = copyHeaders(headers, (name) => !PARKED_HEADERS.has(name));
  out[REPLAYER_HEADERS.parkedAt] = Buffer.from(String(run.nowMs));
  out[REPLAYER_HEADERS.parkedRunId] = Buffer.from(run.runId);
  out[REPLAYER_HEADERS.parkedReason] = Buffer.from(reason);
  return out;
}
