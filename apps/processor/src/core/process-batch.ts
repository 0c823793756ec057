import { DLQ_HEADERS, failure, parseLoginEvent } from '@login/event-schema';
import type { LoginEvent, ParseFailure, ProcessedLoginEvent, ReasonCode } from '@login/event-schema';
import { enrich, eventIdFor } from '@login/enrichment';
import type { ConsumedRecord, OutgoingRecord } from '@login/kafka';
import type { Masker } from '@login/masking';
import { headerText, toDeadLetter } from './dead-letter';

export interface ProcessDeps {
  readonly masker: Masker;
  /** One clock reading per batch: `processed_at` of its records and `failed.at` of its dead letters. */
  readonly nowMs: number;
  readonly maxValueBytes: number;
  readonly maxClockSkewMs: number;
  readonly outputTopic: string;
  readonly dlqTopic: string;
  readonly group: string;
  /** `processor@<version>` and instance, for the DLQ header. */
  readonly processor: string;
}

export type Outcome =
  | { readonly kind: 'processed'; readonly event: ProcessedLoginEvent }
  | { readonly kind: 'dead-lettered'; readonly reason: ReasonCode };

export interface BatchResult {
  /** Output and DLQ records in input order: per-partition order is kept when they are produced together. */
  readonly records: OutgoingRecord[];
  readonly outcomes: Outcome[];
}

/** A replayed record keeps the event_id of its first attempt; a new one gets the id of its coordinates. */
export function eventIdOf(record: ConsumedRecord): string {
  return headerText(record.headers, DLQ_HEADERS.eventId) ?? eventIdFor(record);
}

/** Masks and enriches a valid event; a throw of either step becomes the failure of that stage. */
function maskAndEnrich(event: LoginEvent, eventId: string, deps: ProcessDeps): ProcessedLoginEvent | ParseFailure {
  let masked: { device_id: string; ip: string };
  try {
    masked = { device_id: deps.masker.maskDeviceId(event.device_id), ip: deps.masker.maskIp(event.ip, event.ip_version) };
  } catch (err) {
    return failure('MASK', 'MASKING_FAILED', err);
  }
  try {
    return enrich(event, masked, { eventId, processedAtMs: deps.nowMs });
  } catch (err) {
    return failure('ENRICH', 'ENRICH_FAILED', err);
  }
}

function isFailure(result: ProcessedLoginEvent | ParseFailure): result is ParseFailure {
  return 'reason' in result;
}

/**
 * parse → validate → mask → enrich → route, for one record, written at index i (no per-record wrapper objects on
 * the hot path). Never throws: every failure becomes a dead letter.
 */
function processInto(record: ConsumedRecord, deps: ProcessDeps, out: OutgoingRecord[], outcomes: Outcome[], i: number): void {
  const eventId = eventIdOf(record);
  const parsed = parseLoginEvent(record.value, deps);
  const result = parsed.ok ? maskAndEnrich(parsed.event, eventId, deps) : parsed.failure;
  if (!isFailure(result)) {
    out[i] = { topic: deps.outputTopic, key: result.user_id, value: JSON.stringify(result) };
    outcomes[i] = { kind: 'processed', event: result };
    return;
  }
  const ctx = { dlqTopic: deps.dlqTopic, group: deps.group, processor: deps.processor, eventId, failedAtMs: deps.nowMs };
  out[i] = toDeadLetter(record, result, ctx);
  outcomes[i] = { kind: 'dead-lettered', reason: result.reason };
}

/** The pure core of the processor: every input record yields exactly one output or one dead letter. */
export function processBatch(records: readonly ConsumedRecord[], deps: ProcessDeps): BatchResult {
  const out: OutgoingRecord[] = new Array(records.length);
  const outcomes: Outcome[] = new Array(records.length);
  for (let i = 0; i < records.length; i++) processInto(records[i] as ConsumedRecord, deps, out, outcomes, i);
  return { records: out, outcomes };
}
