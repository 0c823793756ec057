import {
  failure,
  headersOverLimit,
  keyOverLimit,
  parseLoginEvent,
  readReplayLineage,
  verifyLineage,
} from '@login/event-schema';
import type {
  DlqOmittedPart,
  LineageKeyring,
  LineageRejection,
  LoginEvent,
  ParseFailure,
  ProcessedLoginEvent,
  ReasonCode,
  RecordLimits,
  ReplayLineage,
  Stage,
} from '@login/event-schema';
import { enrich, eventIdFor, processedAtText } from '@login/enrichment';
import type { ConsumedRecord, OutgoingRecord } from '@login/kafka';
import type { MaskedFields, Masker } from '@login/masking';
import { partsToOmit } from './dead-letter-fit';
import { toDeadLetter } from './dead-letter';
import type { DeadLetterContext } from './dead-letter';

export interface ProcessDeps {
  readonly masker: Masker;
  /** One clock reading per batch: `processed_at` of its records and `failed.at` of its dead letters. */
  readonly nowMs: number;
  readonly maxValueBytes: number;
  readonly maxClockSkewMs: number;
  /** Key and header bounds checked before anything else of a record is read. */
  readonly recordLimits: RecordLimits;
  /** The DLQ topic's max.message.bytes (read at start): a dead letter that would not fit leaves its value out. */
  readonly dlqMaxMessageBytes: number;
  readonly outputTopic: string;
  readonly dlqTopic: string;
  readonly group: string;
  /** `processor@<version>` and instance, for the DLQ header. */
  readonly processor: string;
  /** The replayer's lineage keys by id (current and previous): only a lineage signed by one of them is trusted. */
  readonly lineageKeys: LineageKeyring;
}

/** Only on a record with a well-formed replay lineage whose signature did not verify (it was treated as fresh). */
interface LineageNote {
  readonly untrustedLineage?: LineageRejection;
}

export type Outcome =
  | ({ readonly kind: 'processed'; readonly event: ProcessedLoginEvent } & LineageNote)
  | ({
      readonly kind: 'dead-lettered';
      readonly reason: ReasonCode;
      readonly stage: Stage;
      /** Parts of the input its dead letter leaves out (only when any). */
      readonly omitted?: readonly DlqOmittedPart[];
    } & LineageNote);

export interface BatchResult {
  /** Output and DLQ records in input order: per-partition order is kept when they are produced together. */
  readonly records: OutgoingRecord[];
  readonly outcomes: Outcome[];
}

/**
 * The lineage of a record, trusted only when well-formed (`readReplayLineage`) AND signed by the replayer with one of
 * `deps.lineageKeys` over its lineage, key and value (`verifyLineage`). Anyone who can produce to the input can write
 * well-formed lineage headers; an unsigned or badly signed lineage is noted in `progress` and ignored, and the record
 * is treated as fresh.
 */
function trustedLineage(record: ConsumedRecord, deps: ProcessDeps, progress: Progress): ReplayLineage | undefined {
  const lineage = readReplayLineage(record.headers);
  if (lineage === undefined) return undefined;
  const verdict = verifyLineage(record, deps.lineageKeys);
  if (verdict.ok) return lineage;
  progress.untrustedLineage = verdict.reason;
  return undefined;
}

/**
 * The event_id of a record: a replayed record keeps the id of its first attempt, but only with a trusted lineage
 * (`trustedLineage`); any other record gets the id of its coordinates, whatever its headers claim. A producer can
 * still copy a signed lineage with its key and value, but that record is the same event again, which dedup should drop.
 */
function eventIdKeptByReplay(record: ConsumedRecord, lineage: ReplayLineage | undefined): string {
  return lineage?.eventId ?? eventIdFor(record);
}

/** Masks and enriches a valid event; a throw of either step becomes the failure of that stage. */
function maskAndEnrich(
  event: LoginEvent,
  eventId: string,
  progress: Progress,
  deps: ProcessDeps,
): ProcessedLoginEvent | ParseFailure {
  let masked: MaskedFields;
  try {
    masked = deps.masker.maskEvent(event);
  } catch (err) {
    return failure('MASK', 'MASKING_FAILED', err);
  }
  try {
    progress.processedAtText ??= processedAtText(deps.nowMs);
    return enrich(event, masked, { eventId, processedAtMs: deps.nowMs, processedAtText: progress.processedAtText });
  } catch (err) {
    return failure('ENRICH', 'ENRICH_FAILED', err);
  }
}

function isFailure(result: ProcessedLoginEvent | ParseFailure): result is ParseFailure {
  return 'reason' in result;
}

/** How far one record got: what the guard needs to dead-letter it if anything throws. One per batch, reset per record. */
interface Progress {
  stage: Stage;
  eventId: string | undefined;
  lineage: ReplayLineage | undefined;
  /** Set when the record's lineage was well-formed but its signature did not verify. */
  untrustedLineage: LineageRejection | undefined;
  /** Parts of the input its dead letter must leave out; created only for a record over the limits. */
  omit: Set<DlqOmittedPart> | undefined;
  /** `processed_at` of the whole batch (one clock reading), formatted by its first processed record; never reset. */
  processedAtText: string | undefined;
}

const NOTHING_OMITTED: ReadonlySet<DlqOmittedPart> = new Set();
const EVERYTHING_OMITTED: ReadonlySet<DlqOmittedPart> = new Set(['key', 'value', 'headers']);

function deadLetterInto(
  record: ConsumedRecord,
  fail: ParseFailure,
  progress: Progress,
  deps: ProcessDeps,
  out: OutgoingRecord[],
  outcomes: Outcome[],
  i: number,
): void {
  const ctx: DeadLetterContext = {
    dlqTopic: deps.dlqTopic,
    group: deps.group,
    processor: deps.processor,
    eventId: progress.eventId,
    lineage: progress.lineage,
    failedAtMs: deps.nowMs,
  };
  const omit = partsToOmit(
    (parts) => toDeadLetter(record, fail, ctx, parts),
    progress.omit ?? NOTHING_OMITTED,
    deps.dlqMaxMessageBytes,
  );
  out[i] = toDeadLetter(record, fail, ctx, omit);
  outcomes[i] = {
    kind: 'dead-lettered',
    reason: fail.reason,
    stage: fail.stage,
    ...(omit.size > 0 ? { omitted: [...omit] } : {}),
    ...lineageNote(progress),
  };
}

function lineageNote(progress: Progress): LineageNote {
  return progress.untrustedLineage === undefined ? {} : { untrustedLineage: progress.untrustedLineage };
}

/**
 * limits → lineage → parse → validate → mask → enrich → route, for one record, written at index i (no per-record
 * wrapper objects on the hot path). `progress` says how far it got, for the guard in `processInto`.
 */
function processUnguarded(
  record: ConsumedRecord,
  deps: ProcessDeps,
  progress: Progress,
  out: OutgoingRecord[],
  outcomes: Outcome[],
  i: number,
): void {
  // A batch kafkajs did not decompress (over MAX_DECOMPRESSED_BATCH_BYTES) arrives as one stand-in record.
  if (record.oversizedBatch !== undefined) {
    progress.omit = new Set(EVERYTHING_OMITTED);
    progress.eventId = eventIdFor(record);
    deadLetterInto(record, failure('DESERIALIZE', 'BATCH_TOO_LARGE'), progress, deps, out, outcomes, i);
    return;
  }
  // Bounds first: a record over them is dead-lettered without its oversized part, and nothing of it is trusted.
  const keyOver = keyOverLimit(record.key, deps.recordLimits);
  const headersOver = headersOverLimit(record.headers, deps.recordLimits);
  if (keyOver || headersOver) {
    progress.omit = new Set();
    if (keyOver) progress.omit.add('key');
    if (headersOver) progress.omit.add('headers');
    progress.eventId = eventIdFor(record);
    const reason = keyOver ? 'KEY_TOO_LARGE' : 'HEADERS_TOO_LARGE';
    deadLetterInto(record, failure('DESERIALIZE', reason), progress, deps, out, outcomes, i);
    return;
  }
  progress.lineage = trustedLineage(record, deps, progress);
  progress.eventId = eventIdKeptByReplay(record, progress.lineage);

  const parsed = parseLoginEvent(record.value, deps);
  if (!parsed.ok) {
    deadLetterInto(record, parsed.failure, progress, deps, out, outcomes, i);
    return;
  }
  progress.stage = 'MASK';
  const result = maskAndEnrich(parsed.event, progress.eventId, progress, deps);
  if (isFailure(result)) {
    deadLetterInto(record, result, progress, deps, out, outcomes, i);
    return;
  }
  progress.stage = 'ENRICH';
  out[i] = { topic: deps.outputTopic, key: result.user_id, value: JSON.stringify(result) };
  outcomes[i] =
    progress.untrustedLineage === undefined
      ? { kind: 'processed', event: result }
      : { kind: 'processed', event: result, untrustedLineage: progress.untrustedLineage };
}

/**
 * One record, totally: whatever throws (a bug in any stage, the event-id derivation, building the dead letter) is
 * dead-lettered as INTERNAL_ERROR at the stage it was in, and the chunk goes on. A throw out of the transform would
 * make the runner retry the whole chunk forever on the same record (Kafka Connect's errors.tolerance=all is the model).
 */
function processInto(
  record: ConsumedRecord,
  deps: ProcessDeps,
  progress: Progress,
  out: OutgoingRecord[],
  outcomes: Outcome[],
  i: number,
): void {
  progress.stage = 'DESERIALIZE';
  progress.eventId = undefined;
  progress.lineage = undefined;
  progress.untrustedLineage = undefined;
  progress.omit = undefined;
  try {
    processUnguarded(record, deps, progress, out, outcomes, i);
  } catch (err) {
    deadLetterAfterThrow(record, err, progress, deps, out, outcomes, i);
  }
}

/** INTERNAL_ERROR at the stage the record was in; its dead letter from coordinates only if even that throws. */
function deadLetterAfterThrow(
  record: ConsumedRecord,
  err: unknown,
  progress: Progress,
  deps: ProcessDeps,
  out: OutgoingRecord[],
  outcomes: Outcome[],
  i: number,
): void {
  const fail = failure(progress.stage, 'INTERNAL_ERROR', err);
  try {
    deadLetterInto(record, fail, progress, deps, out, outcomes, i);
  } catch (again) {
    // Even the dead letter could not be built from this record: a reference dead letter from its coordinates only.
    const ctx: DeadLetterContext = {
      dlqTopic: deps.dlqTopic,
      group: deps.group,
      processor: deps.processor,
      eventId: undefined,
      lineage: undefined,
      failedAtMs: deps.nowMs,
    };
    const coordinates = {
      topic: String(record.topic),
      partition: Number(record.partition),
      offset: String(record.offset),
      timestamp: String(record.timestamp),
    };
    out[i] = toDeadLetter(
      { ...coordinates, key: null, value: null, headers: {} },
      failure(progress.stage, 'INTERNAL_ERROR', again),
      ctx,
      EVERYTHING_OMITTED,
    );
    outcomes[i] = {
      kind: 'dead-lettered',
      reason: 'INTERNAL_ERROR',
      stage: progress.stage,
      omitted: [...EVERYTHING_OMITTED],
      ...lineageNote(progress),
    };
  }
}

/**
 * The dead letter of a record whose processing threw where processBatch's own guard could not catch it: the runner's
 * last resort (its onTransformError), so that such a record is dead-lettered instead of stopping the processor.
 */
export function deadLetterForThrow(record: ConsumedRecord, err: unknown, deps: ProcessDeps): BatchResult {
  const out: OutgoingRecord[] = new Array(1);
  const outcomes: Outcome[] = new Array(1);
  const progress: Progress = {
    stage: 'DESERIALIZE',
    eventId: undefined,
    lineage: undefined,
    untrustedLineage: undefined,
    omit: undefined,
    processedAtText: undefined,
  };
  deadLetterAfterThrow(record, err, progress, deps, out, outcomes, 0);
  return { records: out, outcomes };
}

/** The pure core of the processor: every input record yields exactly one output or one dead letter, and never throws. */
export function processBatch(records: readonly ConsumedRecord[], deps: ProcessDeps): BatchResult {
  const out: OutgoingRecord[] = new Array(records.length);
  const outcomes: Outcome[] = new Array(records.length);
  const progress: Progress = {
    stage: 'DESERIALIZE',
    eventId: undefined,
    lineage: undefined,
    untrustedLineage: undefined,
    omit: undefined,
    processedAtText: undefined,
  };
  for (let i = 0; i < records.length; i++) processInto(records[i] as ConsumedRecord, deps, progress, out, outcomes, i);
  return { records: out, outcomes };
}
