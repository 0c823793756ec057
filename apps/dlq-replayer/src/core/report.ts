import type { DeadLetterView } from '@login/event-schema';
import { OTHER } from './inspect';
import type { ReplayDecision } from './replay-decision';
import { headerLabel } from './terminal-text';

export interface ActionCounts {
  total: number;
  /** By the DLQ reason code of the records (`__dlq.errors.reason`). */
  byReason: Record<string, number>;
}

export interface ReplayReport {
  readonly runId: string;
  readonly dryRun: boolean;
  readonly dlqTopic: string;
  readonly targetTopic: string;
  readonly parkedTopic: string;
  readonly group: string;
  readonly startedAt: string;
  finishedAt: string | null;
  /**
   * complete: reached the end offsets captured at start; max: stopped by --max; interrupted: SIGINT/SIGTERM;
   * fenced: another replay on the same group took over; failed: an error stopped it.
   */
  outcome: 'complete' | 'max' | 'interrupted' | 'fenced' | 'failed';
  /**
   * Per partition: where this run started (the group's committed offset), the end captured at start, and `next`,
   * the offset after the last record handled (committed with the group's offsets, unless a dry run).
   */
  readonly partitions: { partition: number; start: string; end: string; next: string }[];
  read: number;
  readonly replayed: ActionCounts;
  readonly parked: ActionCounts & { byDecision: Record<string, number> };
  readonly skipped: ActionCounts & { byDecision: Record<string, number> };
}

/**
 * A count table without a prototype: its keys are reason headers (input), and on `{}` a reason `constructor` would
 * find Object's own and `__proto__` would set the prototype instead of counting.
 */
function counts(): Record<string, number> {
  return Object.create(null) as Record<string, number>;
}

export function newReport(
  fields: Pick<
    ReplayReport,
    'runId' | 'dryRun' | 'dlqTopic' | 'targetTopic' | 'parkedTopic' | 'group' | 'startedAt'
  > & {
    partitions: { partition: number; start: string; end: string }[];
  },
): ReplayReport {
  return {
    ...fields,
    partitions: fields.partitions.map((p) => ({ ...p, next: p.start })),
    finishedAt: null,
    outcome: 'complete',
    read: 0,
    replayed: { total: 0, byReason: counts() },
    parked: { total: 0, byReason: counts(), byDecision: counts() },
    skipped: { total: 0, byReason: counts(), byDecision: counts() },
  };
}

/** Distinct reasons kept per count: the reason header is input, and a report must stay small. */
const MAX_REASONS = 200;

function bump(counts: Record<string, number>, key: string): void {
  const k = Object.hasOwn(counts, key) || Object.keys(counts).length < MAX_REASONS ? key : OTHER;
  counts[k] = (counts[k] ?? 0) + 1;
}

/** Counts one decided record. Callers count a batch only once its records are acknowledged and committed. */
export function countDecision(report: ReplayReport, record: DeadLetterView, decision: ReplayDecision): void {
  // Escaped here: the report is printed to a terminal, and the reason header is whatever the DLQ record holds.
  const reason = headerLabel(record.reason);
  report.read += 1;
  const counts =
    decision.action === 'replay' ? report.replayed : decision.action === 'park' ? report.parked : report.skipped;
  counts.total += 1;
  bump(counts.byReason, reason);
  if (decision.action === 'skip') bump(report.skipped.byDecision, decision.reason);
  if (decision.action === 'park') bump(report.parked.byDecision, decision.reason);
}

/** Records the position a partition reached (after a committed chunk, or a handled one in a dry run). */
export function advancePartition(report: ReplayReport, partition: number, next: bigint): void {
  const entry = report.partitions.find((p) => p.partition === partition);
  if (entry && next > BigInt(entry.next)) entry.next = next.toString();
}

function line(label: string, counts: ActionCounts): string[] {
  const parts = Object.entries(counts.byReason)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([r, n]) => `${r}=${n}`);
  return [`${label}: ${counts.total}${parts.length > 0 ? `  (${parts.join(', ')})` : ''}`];
}

const OUTCOMES: Record<ReplayReport['outcome'], string> = {
  complete: 'complete (read to the end offsets captured at start)',
  max: 'stopped by --max',
  interrupted: 'INTERRUPTED by a signal: the counts below are what was done (and committed, unless a dry run)',
  fenced: 'FENCED: another replay on the same group took over; the counts below are what this run committed',
  failed: 'FAILED: the counts below are what was committed before the error',
};

function decisions(byDecision: Record<string, number>): string {
  return Object.entries(byDecision)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([r, n]) => `${r}=${n}`)
    .join(', ');
}

/** Human-readable final report. */
export function formatReport(report: ReplayReport): string {
  const verb = report.dryRun ? 'would be ' : '';
  const lines = [
    `${report.dryRun ? 'DRY RUN (nothing written, nothing committed): ' : ''}replay ${report.runId} of ${report.dlqTopic} → ${report.targetTopic} (group ${report.group}): ${OUTCOMES[report.outcome]}`,
    `read: ${report.read}`,
    ...line(`${verb}replayed`, report.replayed),
    ...line(`${verb}parked to ${report.parkedTopic}`, report.parked),
    ...line(`${verb}skipped`, report.skipped),
  ];
  if (report.parked.total > 0) lines.push(`parked because: ${decisions(report.parked.byDecision)}`);
  if (report.skipped.total > 0) lines.push(`skipped because: ${decisions(report.skipped.byDecision)}`);
  lines.push(
    `partitions (start → ${report.dryRun ? 'reached' : 'committed'} / captured end): ` +
      report.partitions.map((p) => `${p.partition}: ${p.start} → ${p.next} / ${p.end}`).join(', '),
  );
  const passed = report.skipped.total;
  if (!report.dryRun && passed > 0) {
    lines.push(
      `note: group ${report.group} has moved past the ${passed} skipped record(s); a later run with another selection ` +
        'needs a new --group to see them',
    );
  }
  return `${lines.join('\n')}\n`;
}
