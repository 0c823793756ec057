import {
  encodeDeadLetter,
  failure,
  headersOverLimit,
  keyOverLimit,
  parseLoginEvent,
  readReplayLineage,
  verifyLineage,
} from '@login/event-schema';
import type {
  DeadLetterContext,
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
import { fitDeadLetter } from './dead-letter-fit';

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

/** One record's result: its output or dead letter, and what became of it. */
export interface RecordResult {
  readonly record: OutgoingRecord;
  readonly outcome: Outcome;
}

/**
 * What the guard needs to dead-letter the record in hand if anything throws: the stage it reached and what is known
 * of it so far. One per batch, reset per record (no per-record allocation on the hot path).
 */
interface RecordState {
  stageReached: Stage;
  eventId: string | undefined;
  lineage: ReplayLineage | undefined;
  /** Set when the record's lineage was well-formed but its signature did not verify. */
  untrustedLineage: LineageRejection | undefined;
  /** Parts of the input its dead letter must leave out; created only for a record over the limits. */
  omit: Set<DlqOmittedPart> | undefined;
}

/** What every record of one batch is processed with; created once per batch. */
interface BatchContext {
  readonly deps: ProcessDeps;
  readonly state: RecordState;
  /** `processed_at` of the whole batch (one clock reading), formatted by its first processed record; never reset. */
  processedAtText: string | undefined;
}

function batchContext(deps: ProcessDeps): BatchContext {
  const state: RecordState = {
    stageReached: 'DESERIALIZE',
    eventId: undefined,
    lineage: undefined,
    untrustedLineage: undefined,
    omit: undefined,
  };
  return { deps, state, processedAtText: undefined };
}

/**
 * The lineage of a record, trusted only when well-formed (`readReplayLineage`) AND signed by the replayer with one of
 * `deps.lineageKeys` over its lineage, key and value (`verifyLineage`). Anyone who can produce to the input can write
 * well-formed lineage headers; an unsigned or badly signed lineage is noted in the record's state and ignored, and
 * the record is treated as fresh.
 */
function trustedLineage(record: ConsumedRecord, ctx: BatchContext): ReplayLineage | undefined {
  const lineage = readReplayLineage(record.headers);
  if (lineage === undefined) return undefined;
  const verdict = verifyLineage(record, ctx.deps.lineageKeys);
  if (verdict.ok) return lineage;
  ctx.state.untrustedLineage = verdict.reason;
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
function maskAndEnrich(event: LoginEvent, eventId: string, ctx: BatchContext): ProcessedLoginEvent | ParseFailure {
  const { deps } = ctx;
  let masked: MaskedFields;
  try {
    masked = deps.masker.maskEvent(event);
  } catch (err) {
    return failure('MASK', 'MASKING_FAILED', err);
  }
  try {
    ctx.processedAtText ??= processedAtText(deps.nowMs);
    return enrich(event, masked, { eventId, processedAtMs: deps.nowMs, processedAtText: ctx.processedAtText });
  } catch (err) {
    return failure('ENRICH', 'ENRICH_FAILED', err);
  }
}

function isFailure(result: ProcessedLoginEvent | ParseFailure): result is ParseFailure {
  return 'reason' in result;
}

const NOTHING_OMITTED: ReadonlySet<DlqOmittedPart> = new Set();
const EVERYTHING_OMITTED: ReadonlySet<DlqOmittedPart> = new Set(['key', 'value', 'headers']);

function deadLetterContext(deps: ProcessDeps, state: RecordState | undefined): DeadLetterContext {
  return {
    dlqTopic: deps.dlqTopic,
    group: deps.group,
    processor: deps.processor,
    eventId: state?.eventId,
    lineage: state?.lineage,
    failedAtMs: deps.nowMs,
  };
}

/** The dead letter of `fail`, leaving out what the record's state says and whatever else it needs to fit the DLQ. */
function deadLetter(record: ConsumedRecord, fail: ParseFailure, ctx: BatchContext): RecordResult {
  const { deps, state } = ctx;
  const dlq = deadLetterContext(deps, state);
  const { record: deadLetterRecord, omit } = fitDeadLetter(
    (parts) => encodeDeadLetter(record, fail, dlq, parts),
    state.omit ?? NOTHING_OMITTED,
    deps.dlqMaxMessageBytes,
  );
  return {
    record: deadLetterRecord,
    outcome: {
      kind: 'dead-lettered',
      reason: fail.reason,
      stage: fail.stage,
      ...(omit.size > 0 ? { omitted: [...omit] } : {}),
      ...lineageNote(state),
    },
  };
}

function lineageNote(state: RecordState): LineageNote {
  return state.untrustedLineage === undefined ? {} : { untrustedLineage: state.untrustedLineage };
}

/**
 * limits → lineage → parse → validate → mask → enrich → route, for one record. `ctx.state` says how far it got, for
 * the guard in `processGuarded`.
 */
function processRecord(record: ConsumedRecord, ctx: BatchContext): RecordResult {
  const { deps, state } = ctx;
  // A batch kafkajs did not decompress (over MAX_DECOMPRESSED_BATCH_BYTES) arrives as one stand-in record.
  if (record.oversizedBatch !== undefined) {
    state.omit = new Set(EVERYTHING_OMITTED);
    state.eventId = eventIdFor(record);
    return deadLetter(record, failure('DESERIALIZE', 'BATCH_TOO_LARGE'), ctx);
  }
  // Bounds first: a record over them is dead-lettered without its oversized part, and nothing of it is trusted.
  const keyOver = keyOverLimit(record.key, deps.recordLimits);
  const headersOver = headersOverLimit(record.headers, deps.recordLimits);
  if (keyOver || headersOver) {
    state.omit = new Set();
    if (keyOver) state.omit.add('key');
    if (headersOver) state.omit.add('headers');
    state.eventId = eventIdFor(record);
    return deadLetter(record, failure('DESERIALIZE', keyOver ? 'KEY_TOO_LARGE' : 'HEADERS_TOO_LARGE'), ctx);
  }
  state.lineage = trustedLineage(record, ctx);
  const eventId = eventIdKeptByReplay(record, state.lineage);
  state.eventId = eventId;

  const parsed = parseLoginEvent(record.value, deps);
  if (!parsed.ok) return deadLetter(record, parsed.failure, ctx);
  state.stageReached = 'MASK';
  const result = maskAndEnrich(parsed.event, eventId, ctx);
  if (isFailure(result)) return deadLetter(record, result, ctx);
  state.stageReached = 'ENRICH';
  return {
    record: { topic: deps.outputTopic, key: result.user_id, value: JSON.stringify(result) },
    outcome:
      state.untrustedLineage === undefined
        ? { kind: 'processed', event: result }
        : { kind: 'processed', event: result, untrustedLineage: state.untrustedLineage },
  };
}

/**
 * One record, totally: whatever throws (a bug in any stage, the event-id derivation, building the dead letter) is
 * dead-lettered as INTERNAL_ERROR at the stage it reached, and the chunk goes on. A throw out of the transform would
 * make the runner retry the whole chunk forever on the same record (Kafka Connect's errors.tolerance=all is the model).
 */
function processGuarded(record: ConsumedRecord, ctx: BatchContext): RecordResult {
  const { state } = ctx;
  state.stageReached = 'DESERIALIZE';
  state.eventId = undefined;
  state.lineage = undefined;
  state.untrustedLineage = undefined;
  state.omit = undefined;
  try {
    return processRecord(record, ctx);
  } catch (err) {
    return deadLetterCaughtByGuard(record, err, ctx);
  }
}

/**
 * The guard's own dead letter: INTERNAL_ERROR at the stage the record reached; from its coordinates only if even
 * building that throws.
 */
function deadLetterCaughtByGuard(record: ConsumedRecord, err: unknown, ctx: BatchContext): RecordResult {
  const fail = failure(ctx.state.stageReached, 'INTERNAL_ERROR', err);
  try {
    return deadLetter(record, fail, ctx);
  } catch (again) {
    return referenceDeadLetter(record, again, ctx);
  }
}

/** Even the dead letter could not be built from this record: a reference dead letter from its coordinates only. */
function referenceDeadLetter(record: ConsumedRecord, err: unknown, ctx: BatchContext): RecordResult {
  const { deps, state } = ctx;
  const coordinates = {
    topic: String(record.topic),
    partition: Number(record.partition),
    offset: String(record.offset),
    timestamp: String(record.timestamp),
  };
  return {
    record: encodeDeadLetter(
      { ...coordinates, key: null, value: null, headers: {} },
      failure(state.stageReached, 'INTERNAL_ERROR', err),
      deadLetterContext(deps, undefined),
      EVERYTHING_OMITTED,
    ),
    outcome: {
      kind: 'dead-lettered',
      reason: 'INTERNAL_ERROR',
      stage: state.stageReached,
      omitted: [...EVERYTHING_OMITTED],
      ...lineageNote(state),
    },
  };
}

/**
 * The runner's last resort (its onTransformError): the dead letter of a record whose processing threw where
 * processBatch's own guard could not catch it, so that such a record is dead-lettered instead of stopping the
 * processor. Nothing is known of how far it got: INTERNAL_ERROR at DESERIALIZE.
 */
export function deadLetterOutsideGuard(record: ConsumedRecord, err: unknown, deps: ProcessDeps): BatchResult {
  const { record: dlq, outcome } = deadLetterCaughtByGuard(record, err, batchContext(deps));
  return { records: [dlq], outcomes: [outcome] };
}

/** The pure core of the processor: every input record yields exactly one output or one dead letter, and never throws. */
export function processBatch(records: readonly ConsumedRecord[], deps: ProcessDeps): BatchResult {
  const out: OutgoingRecord[] = new Array(records.length);
  const outcomes: Outcome[] = new Array(records.length);
  const ctx = batchContext(deps);
  for (let i = 0; i < records.length; i++) {
    const result = processGuarded(records[i] as ConsumedRecord, ctx);
    out[i] = result.record;
    outcomes[i] = result.outcome;
  }
  return { records: out, outcomes };
}
