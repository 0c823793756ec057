import type { DeadLetterView } from '@login/event-schema';

/**
 * Which DLQ records an operator asks for. Every filter is optional; an empty selection selects everything.
 * Lists mean "any of". Time bounds apply to `__dlq.errors.failed.at`: `sinceMs` inclusive, `untilMs` exclusive.
 * Offsets are inclusive and apply to every selected partition.
 */
export interface Selection {
  readonly reasons?: readonly string[];
  readonly stages?: readonly string[];
  readonly sinceMs?: number;
  readonly untilMs?: number;
  readonly partitions?: readonly number[];
  readonly fromOffset?: bigint;
  readonly toOffset?: bigint;
  readonly keys?: readonly string[];
}

export type SelectionMiss = 'partition' | 'offset' | 'key' | 'reason' | 'stage' | 'time';

/** The first filter the record fails, or undefined when the selection takes it. */
export function selectionMiss(record: DeadLetterView, selection: Selection): SelectionMiss | undefined {
  const { reasons, stages, sinceMs, untilMs, partitions, fromOffset, toOffset, keys } = selection;
  if (partitions && partitions.length > 0 && !partitions.includes(record.partition)) return 'partition';
  if (fromOffset !== undefined && record.offset < fromOffset) return 'offset';
  if (toOffset !== undefined && record.offset > toOffset) return 'offset';
  if (keys && keys.length > 0) {
    if (record.key === null) return 'key';
    const key = record.key;
    if (!keys.some((k) => key.equals(Buffer.from(k, 'utf8')))) return 'key';
  }
  if (reasons && reasons.length > 0 && (record.reason === undefined || !reasons.includes(record.reason)))
    return 'reason';
  if (stages && stages.length > 0 && (record.stage === undefined || !stages.includes(record.stage))) return 'stage';
  if (sinceMs !== undefined || untilMs !== undefined) {
    // A record whose failure time is unknown cannot be shown to be inside the window: not selected.
    if (record.failedAtMs === undefined) return 'time';
    if (sinceMs !== undefined && record.failedAtMs < sinceMs) return 'time';
    if (untilMs !== undefined && record.failedAtMs >= untilMs) return 'time';
  }
  return undefined;
}
