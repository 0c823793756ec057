import type { DeadLetterView } from '@login/event-schema';
import { selectionMiss, type Selection } from './selection';

export interface ReplayOptions {
  readonly selection: Selection;
  /** The operator asserts a fix for the reasons named in `selection.reasons` was deployed. */
  readonly includeNonRetryable: boolean;
  /** Records already replayed this many times are parked instead of replayed again. */
  readonly maxReplays: number;
  /** The only topic a record may be re-published to (the processor's input). */
  readonly inputTopic: string;
  /** Topics a record must never be re-published to, whatever its headers say. */
  readonly dlqTopic: string;
  readonly outputTopic: string;
}

/** Why a record is replayed, parked or skipped. Stable codes: they appear in reports and metric labels. */
export type DecisionReason =
  | 'SELECTED'
  | 'MAX_REPLAYS_REACHED'
  | 'TOO_LARGE_FOR_TARGET'
  | 'NOT_SELECTED'
  | 'MALFORMED_HEADERS'
  | 'FORBIDDEN_TARGET'
  | 'TARGET_MISMATCH'
  | 'NON_RETRYABLE'
  | 'TOO_LARGE_TO_PARK';

export const DECISION_REASONS: readonly DecisionReason[] = [
  'SELECTED',
  'MAX_REPLAYS_REACHED',
  'TOO_LARGE_FOR_TARGET',
  'NOT_SELECTED',
  'MALFORMED_HEADERS',
  'FORBIDDEN_TARGET',
  'TARGET_MISMATCH',
  'NON_RETRYABLE',
  'TOO_LARGE_TO_PARK',
];

/** Why a record is parked: the loop guard (replayDecision), or its size (replay-plan.ts). */
export type ParkReason = 'MAX_REPLAYS_REACHED' | 'TOO_LARGE_FOR_TARGET';

export type ReplayDecision =
  | { readonly action: 'replay'; readonly reason: 'SELECTED'; readonly target: string }
  | { readonly action: 'park'; readonly reason: ParkReason; readonly detail?: string }
  | {
      readonly action: 'skip';
      readonly reason: Exclude<DecisionReason, 'SELECTED' | ParkReason>;
      readonly detail?: string;
    };

/**
 * What to do with one DLQ record. Pure; the order of the checks is the policy:
 * 1. outside the selection → skip (NOT_SELECTED);
 * 2. headers the loop guard, the target or the lineage need are missing or malformed → skip (MALFORMED_HEADERS),
 *    because a record we cannot count replays of could loop forever or lose its event_id;
 * 3. its source topic is the DLQ or the output topic → skip (FORBIDDEN_TARGET); any other topic than the
 *    configured input → skip (TARGET_MISMATCH): the replayer never writes where the processor does not read;
 * 4. retryable=false → skip (NON_RETRYABLE) unless its reason is named in the selection AND the operator passed
 *    include-non-retryable (they assert a fix was deployed for exactly that reason);
 * 5. replayed `maxReplays` times already → park (MAX_REPLAYS_REACHED);
 * 6. otherwise → replay to the input topic.
 */
export function replayDecision(record: DeadLetterView, options: ReplayOptions): ReplayDecision {
  const miss = selectionMiss(record, options.selection);
  if (miss !== undefined) return { action: 'skip', reason: 'NOT_SELECTED', detail: miss };

  const { sourceTopic, retryable, replayCount, reason } = record;
  if (record.problems.length > 0 || sourceTopic === undefined || retryable === undefined || replayCount === undefined) {
    return { action: 'skip', reason: 'MALFORMED_HEADERS', detail: record.problems.join('; ') };
  }
  if (sourceTopic === options.dlqTopic || sourceTopic === options.outputTopic) {
    return { action: 'skip', reason: 'FORBIDDEN_TARGET', detail: sourceTopic };
  }
  if (sourceTopic !== options.inputTopic) return { action: 'skip', reason: 'TARGET_MISMATCH', detail: sourceTopic };

  if (!retryable) {
    const named = reason !== undefined && (options.selection.reasons ?? []).includes(reason);
    if (!(named && options.includeNonRetryable)) return { action: 'skip', reason: 'NON_RETRYABLE' };
  }
  if (replayCount >= options.maxReplays) return { action: 'park', reason: 'MAX_REPLAYS_REACHED' };
  return { action: 'replay', reason: 'SELECTED', target: options.inputTopic };
}
