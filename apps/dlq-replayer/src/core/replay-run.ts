// The pure decisions of a replay run: how large a chunk is, what a chunk did to the counts, and how the run ended.
// The command (adapters/replay.ts) does the I/O around them.
import type { PlannedRecord } from './replay-plan';
import { advancePartition, countDecision, type ReplayReport } from './report';

/** Records per transaction. */
export function chunkSize(rate: number | undefined): number {
  // With --rate, a transaction about once a second: an interrupted run has handled at most a second's worth.
  if (rate !== undefined) return Math.max(1, Math.min(500, Math.floor(rate)));
  return 500;
}

/**
 * Counts a committed chunk (a dry run: a handled one) into `report` and moves its partition to `next`. Returns how
 * many of its records lie at or after the end captured at start (`endOf`): a bounded read never has any.
 */
export function foldChunk(
  report: ReplayReport,
  partition: number,
  planned: readonly PlannedRecord[],
  next: bigint,
  endOf: ReadonlyMap<number, bigint>,
): number {
  let beyondEnd = 0;
  for (const { view, decision } of planned) {
    countDecision(report, view, decision);
    const end = endOf.get(view.partition);
    if (end !== undefined && view.offset >= end) beyondEnd += 1;
  }
  advancePartition(report, partition, next);
  return beyondEnd;
}

/** The progress line's detail. */
export function progressDetail(report: ReplayReport): string {
  return `replayed ${report.replayed.total}  parked ${report.parked.total}  skipped ${report.skipped.total}`;
}

/** The partitions a run moved, at the offsets it committed: what the group must show before the run ends. */
export function committedPositions(report: ReplayReport): Map<number, bigint> {
  return new Map(report.partitions.filter((p) => p.next !== p.start).map((p) => [p.partition, BigInt(p.next)]));
}

/** How the read ended, as the command saw it. */
export interface ReadEnd {
  /** Another run took the transactional id over. */
  readonly fenced: boolean;
  /** The read or a commit threw. */
  readonly failed: boolean;
  /** The read reached the end offsets captured at start. */
  readonly complete: boolean;
  /** The read was stopped (a signal, or --max) before it returned. */
  readonly stoppedEarly: boolean;
  /** --max was reached. */
  readonly maxReached: boolean;
}

/** The report's outcome: fenced before failed, failed before complete, --max before interrupted. */
export function replayOutcome(end: ReadEnd): ReplayReport['outcome'] {
  if (end.fenced) return 'fenced';
  if (end.failed) return 'failed';
  if (end.complete && !end.stoppedEarly) return 'complete';
  return end.maxReached ? 'max' : 'interrupted';
}

/** The JSON report (stdout with --json, and --report-file). */
export function reportJson(report: ReplayReport, beyondCapturedEnd: number): string {
  return `${JSON.stringify({ ...report, beyondCapturedEnd }, null, 2)}\n`;
}
