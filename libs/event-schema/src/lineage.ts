// The replay lineage (docs/contracts.md "Dead letter record"): the headers the replayer sets on a re-published record and the processor carries
// into its next dead letter. Both apps read and validate them here, with the same rules, because every one of them
// arrives on a topic anyone with write access can produce to.
import { DLQ_HEADERS } from './dead-letter/headers';
import { UUID_PATTERN } from './field-schemas';
import { lastHeaderText } from './record-headers';
import type { HeaderValues } from './record-headers';
import { EARLIEST_EVENT_TIME_MS } from './timestamp';

/** Far above any sensible `--max-replays`; a larger count is garbage, not history. */
export const MAX_REPLAY_COUNT = 1000;

/** Latest lineage time accepted: 13 decimal digits of epoch milliseconds (year 2286). */
export const LATEST_LINEAGE_TIME_MS = 9_999_999_999_999;

/** What the replayer writes as `__dlq.replay.id` (a UUID, or a test's unique name). */
export const REPLAY_ID_PATTERN = '^[A-Za-z0-9._:-]{1,128}$';

const DECIMAL = /^(?:0|[1-9][0-9]*)$/;
const EVENT_ID = new RegExp(UUID_PATTERN);
const REPLAY_ID = new RegExp(REPLAY_ID_PATTERN);

/** A replay count: plain decimal (no sign, exponent or leading zero) in [0, MAX_REPLAY_COUNT]. */
export function parseReplayCount(text: string | undefined): number | undefined {
  if (text === undefined || text.length > 4 || !DECIMAL.test(text)) return undefined;
  const count = Number(text);
  return count <= MAX_REPLAY_COUNT ? count : undefined;
}

/** A lineage time: plain decimal epoch milliseconds in [2000-01-01, LATEST_LINEAGE_TIME_MS]. */
export function parseLineageTime(text: string | undefined): number | undefined {
  if (text === undefined || text.length > 13 || !DECIMAL.test(text)) return undefined;
  const ms = Number(text);
  return ms >= EARLIEST_EVENT_TIME_MS ? ms : undefined;
}

/** The output schema's event_id format: anything else in the lineage header is never copied into an output. */
export function isEventId(text: string): boolean {
  return EVENT_ID.test(text);
}

export function isReplayId(text: string): boolean {
  return REPLAY_ID.test(text);
}

export interface ReplayLineage {
  readonly replayId: string;
  /** ≥ 1: the replayer counts the replay it is making. */
  readonly replayCount: number;
  /** Only when the header holds a well-formed event id. */
  readonly eventId?: string;
  readonly firstFailedAtMs?: number;
}

/**
 * The lineage of a record the replayer re-published, or undefined for any other record. A record counts as replayed
 * only with a well-formed `__dlq.replay.id` and a replay count ≥ 1; each other field is kept only when well-formed
 * (a count of `1e21` is ignored). Well-formed is not authentic: anyone who can produce to the input can write these
 * headers, so the processor trusts a lineage only when `verifyLineage` (lineage-signature.ts) also accepts it.
 */
export function readReplayLineage(headers: HeaderValues): ReplayLineage | undefined {
  const replayId = lastHeaderText(headers, DLQ_HEADERS.replayId);
  const replayCount = parseReplayCount(lastHeaderText(headers, DLQ_HEADERS.replayCount));
  if (replayId === undefined || !isReplayId(replayId) || replayCount === undefined || replayCount < 1) return undefined;
  const eventId = lastHeaderText(headers, DLQ_HEADERS.eventId);
  const firstFailedAtMs = parseLineageTime(lastHeaderText(headers, DLQ_HEADERS.firstFailedAt));
  return {
    replayId,
    replayCount,
    ...(eventId !== undefined && isEventId(eventId) ? { eventId } : {}),
    ...(firstFailedAtMs !== undefined ? { firstFailedAtMs } : {}),
  };
}
