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

type StepResult = { ok: true; event: ProcessedLoginEvent } | { ok: false; failure: ParseFailure };

/** A replayed record keeps the event_id of its first attempt; a new one gets the id of its coordinates. */
export function eventIdOf(record: ConsumedRecord): string {
  return headerText(record.headers, DLQ_HEADERS.eventId) ?? eventIdFor(record);
}

function maskAndEnrich(event: LoginEvent, eventId: string, deps: ProcessDeps): StepResult {
  let masked: { device_id: string; ip: string };
  try {
    masked = { device_id: deps.masker.maskDeviceId(event.device_id), ip: deps.masker.maskIp(event.ip, event.ip_version) };
  } catch (err) {
    return { ok: false, failure: failure('MASK', 'MASKING_FAILED', err) };
  }
  try {
    return { ok: true, event: enrich(event, masked, { eventId, processedAtMs: deps.nowMs }) };
  } catch (err) {
    return { ok: false, failure: failure('ENRICH', 'ENRICH_FAILED', err) };
  }
}

/** parse → validate → mask → enrich → route, for one record. Never throws: every failure becomes a dead letter. */
export function processRecord(record: ConsumedRecord, deps: ProcessDeps): { record: OutgoingRecord; outcome: Outcome } {
  const eventId = eventIdOf(record);
  const parsed = parseLoginEvent(record.value, deps);
  const result: StepResult = parsed.ok ? maskAndEnrich(parsed.event, eventId, deps) : parsed;
  if (result.ok) {
    const { event } = result;
    return {
      record: { topic: deps.outputTopic, key: event.user_id, value: JSON.stringify(event) },
      outcome: { kind: 'processed', event },
    };
  }
  const ctx = { dlqTopic: deps.dlqTopic, group: deps.group, processor: deps.processor, eventId, failedAtMs: deps.nowMs };
  return { record: toDeadLetter(record, result.failure, ctx), outcome: { kind: 'dead-lettered', reason: result.failure.reason } };
}

/** The pure core of the processor: every input record yields exactly one output or one dead letter. */
export function processBatch(records: readonly ConsumedRecord[], deps: ProcessDeps): BatchResult {
  const out: OutgoingRecord[] = new Array(records.length);
  const outcomes: Outcome[] = new Array(records.length);
  for (let i = 0; i < records.length; i++) {
    const { record, outcome } = processRecord(records[i] as ConsumedRecord, deps);
    out[i] = record;
    outcomes[i] = outcome;
  }
  return { records: out, outcomes };
}
