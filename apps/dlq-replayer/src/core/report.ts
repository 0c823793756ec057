import type { DlqRecordView } from './dlq-record';
import { UNKNOWN } from './inspect';
import type { ReplayDecision } from './replay-decision';

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
  /** complete: reached the end offsets captured at start; max: stopped by --max; interrupted: SIGINT/SIGTERM. */
  outcome: 'complete' | 'max' | 'interrupted' | 'failed';
  /** Per partition: where this run started (the group's committed offset) and the end captured at start. */
  readonly partitions: { partition: number; start: string; end: string }[];
  read: number;
  readonly replayed: ActionCounts;
  readonly parked: ActionCounts;
  readonly skipped: ActionCounts & { byDecision: Record<string, number> };
}

export function newReport(fields: Pick<ReplayReport, 'runId' | 'dryRun' | 'dlqTopic' | 'targetTopic' | 'parkedTopic' | 'group' | 'startedAt' | 'partitions'>): ReplayReport {
  return {
    ...fields,
    finishedAt: null,
    outcome: 'complete',
    read: 0,
    replayed: { total: 0, byReason: {} },
    parked: { total: 0, byReason: {} },
    skipped: { total: 0, byReason: {}, byDecision: {} },
  };
}

function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

/** Counts one decided record. Callers count a batch only once its records are acknowledged and committed. */
export function countDecision(report: ReplayReport, record: DlqRecordView, decision: ReplayDecision): void {
  const reason = record.reason ?? UNKNOWN;
  report.read += 1;
  const counts = decision.action === 'replay' ? report.replayed : decision.action === 'park' ? report.parked : report.skipped;
  counts.total += 1;
  bump(counts.byReason, reason);
  if (decision.action === 'skip') bump(report.skipped.byDecision, decision.reason);
}

function line(label: string, counts: ActionCounts): string[] {
  const parts = Object.entries(counts.byReason)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([r, n]) => `${r}=${n}`);
  return [`${label}: ${counts.total}${parts.length > 0 ? `  (${parts.join(', ')})` : ''}`];
}

/** Human-readable final report. */
export function formatReport(report: ReplayReport): string {
  const verb = report.dryRun ? 'would be ' : '';
  const decisions = Object.entries(report.skipped.byDecision)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([r, n]) => `${r}=${n}`);
  const lines = [
    `${report.dryRun ? 'DRY RUN (nothing written, nothing committed): ' : ''}replay ${report.runId} of ${report.dlqTopic} → ${report.targetTopic} (group ${report.group}): ${report.outcome}`,
    `read: ${report.read}`,
    ...line(`${verb}replayed`, report.replayed),
    ...line(`${verb}parked to ${report.parkedTopic}`, report.parked),
    ...line(`${verb}skipped`, report.skipped),
  ];
  if (decisions.length > 0) lines.push(`skipped because: ${decisions.join(', ')}`);
  const passed = report.skipped.total;
  if (!report.dryRun && passed > 0) {
    lines.push(
      `note: group ${report.group} has moved past the ${passed} skipped record(s); a later run with another selection ` +
        'needs a new --group to see them',
    );
  }
  return `${lines.join('\n')}\n`;
}
