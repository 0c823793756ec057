// Where a run reads the DLQ: each partition from a start (the replayer group's committed offset, or the log start)
// to the end offset captured when the run starts. The reading itself is @login/kafka's KafkaClient.readPartitions,
// which needs no consumer group: a run's position is its own (in memory, and in its transactions' offsets).
import type { AdminClient } from '@login/kafka';

/** Offsets [start, end) of one DLQ partition that a run reads: start = where it begins, end = captured at start. */
export interface PartitionRange {
  readonly partition: number;
  readonly start: bigint;
  readonly end: bigint;
}

export function remaining(ranges: readonly PartitionRange[]): number {
  return ranges.reduce((sum, r) => sum + Number(r.end > r.start ? r.end - r.start : 0n), 0);
}

/**
 * Captures the watermarks of `topic` now: each partition's range ends at its end offset (read_committed: the last
 * stable offset) and starts at the group's committed offset, or at the log start (low watermark) when the group
 * has committed nothing there, or when `group` is undefined (a read of the whole retained DLQ). Only reads offsets:
 * no group is created or joined.
 */
export async function captureRanges(admin: AdminClient, topic: string, group?: string): Promise<PartitionRange[]> {
  const offsets = await admin.topicOffsets(topic);
  const committed = group === undefined ? new Map<number, bigint | null>() : await admin.committedOffsets(group, topic);
  return offsets.map((o) => {
    const c = committed.get(o.partition) ?? null;
    // A committed offset below the log start (retention passed it) resumes at the log start.
    const start = c === null || c < o.low ? o.low : c;
    return { partition: o.partition, start, end: o.high };
  });
}

/**
 * Waits until `group` shows `positions` as its committed offsets on `topic`. A transaction's offsets become visible
 * once the coordinator has written its commit marker, shortly after the commit returns; a run waits for them so
 * that whatever runs next (a dry run, inspect, a script reading the group) sees what this run did. False when
 * they did not show within `timeoutMs`.
 */
export async function awaitCommitted(
  admin: AdminClient,
  group: string,
  topic: string,
  positions: ReadonlyMap<number, bigint>,
  { timeoutMs = 10_000, pollMs = 100 } = {},
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const committed = await admin.committedOffsets(group, topic);
    if ([...positions].every(([p, o]) => (committed.get(p) ?? -1n) >= o)) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
