import type { InputReasonCode } from './input-event';
import { INPUT_REASON_CODES } from './input-event';
import { malformedKind } from './malformed';
import type { RunTotals } from './stats';

export type StopCause = 'count' | 'duration' | 'signal';

export interface RunSummary {
  readonly seed: number;
  readonly topic: string;
  readonly dryRun: boolean;
  readonly stoppedBy: StopCause;
  readonly durationMs: number;
  /** Target rate in events/s; 0 = unthrottled. */
  readonly targetRate: number;
  readonly generated: number;
  readonly produced: number;
  readonly failed: number;
  readonly batches: number;
  readonly sendErrors: number;
  readonly lastError?: string;
  readonly eventsPerSecond: number;
  readonly megabytesPerSecond: number;
  /** Achieved rate / target rate (1 = exact); absent when unthrottled. */
  readonly rateAccuracy?: number;
  readonly valid: number;
  readonly invalid: number;
  readonly invalidShare: number;
  /** Produced malformed records per kind, with the DLQ reason each should get. */
  readonly invalidByKind: Record<string, { count: number; reason: InputReasonCode }>;
  /** Produced malformed records per expected DLQ reason. */
  readonly invalidByReason: Partial<Record<InputReasonCode, number>>;
}

export interface SummaryContext {
  readonly seed: number;
  readonly topic: string;
  readonly dryRun: boolean;
  readonly stoppedBy: StopCause;
  readonly targetRate: number;
  readonly durationMs: number;
}

const round = (x: number, digits: number): number => Number(x.toFixed(digits));

export function buildSummary(totals: Readonly<RunTotals>, ctx: SummaryContext): RunSummary {
  const seconds = Math.max(ctx.durationMs, 1) / 1000;
  const eventsPerSecond = totals.produced / seconds;
  const invalidByKind: Record<string, { count: number; reason: InputReasonCode }> = {};
  for (const [kind, count] of [...totals.producedByKind].sort(([a], [b]) => a.localeCompare(b))) {
    const spec = malformedKind(kind);
    if (spec) invalidByKind[kind] = { count, reason: spec.reason };
  }
  const invalidByReason: Partial<Record<InputReasonCode, number>> = {};
  for (const reason of INPUT_REASON_CODES) {
    const n = totals.producedByReason.get(reason);
    if (n) invalidByReason[reason] = n;
  }
  return {
    seed: ctx.seed,
    topic: ctx.topic,
    dryRun: ctx.dryRun,
    stoppedBy: ctx.stoppedBy,
    durationMs: Math.round(ctx.durationMs),
    targetRate: ctx.targetRate,
    generated: totals.generated,
    produced: totals.produced,
    failed: totals.failed,
    batches: totals.batches,
    sendErrors: totals.sendErrors,
    ...(totals.lastError === undefined ? {} : { lastError: totals.lastError }),
    eventsPerSecond: round(eventsPerSecond, 1),
    megabytesPerSecond: round(totals.producedBytes / seconds / 1_000_000, 3),
    ...(ctx.targetRate > 0 ? { rateAccuracy: round(eventsPerSecond / ctx.targetRate, 4) } : {}),
    valid: totals.produced - totals.producedInvalid,
    invalid: totals.producedInvalid,
    invalidShare: totals.produced === 0 ? 0 : round(totals.producedInvalid / totals.produced, 4),
    invalidByKind,
    invalidByReason,
  };
}

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;

/** The human summary printed at the end of a run. */
export function formatSummary(s: RunSummary): string {
  const lines = [
    `generator ${s.dryRun ? 'dry run' : `→ ${s.topic}`} finished (${s.stoppedBy === 'signal' ? 'stopped by signal' : `${s.stoppedBy} reached`}) after ${(s.durationMs / 1000).toFixed(1)} s, seed ${s.seed}`,
    `  produced   ${int(s.produced)} of ${int(s.generated)} generated in ${int(s.batches)} batches` +
      (s.failed > 0 ? `, ${int(s.failed)} FAILED in ${int(s.sendErrors)} batches (last: ${s.lastError ?? '?'})` : ''),
    `  rate       ${int(s.eventsPerSecond)} events/s, ${s.megabytesPerSecond.toFixed(2)} MB/s` +
      (s.rateAccuracy === undefined
        ? ' (unthrottled)'
        : ` (target ${int(s.targetRate)}/s, ${pct(s.rateAccuracy)} of target)`),
    `  valid      ${int(s.valid)}`,
    `  invalid    ${int(s.invalid)} (${pct(s.invalidShare)})`,
  ];
  const kinds = Object.entries(s.invalidByKind);
  if (kinds.length > 0) {
    const width = Math.max(...kinds.map(([k]) => k.length));
    lines.push('  by kind:');
    for (const [kind, { count, reason }] of kinds)
      lines.push(`    ${kind.padEnd(width)}  ${int(count).padStart(9)}  → ${reason}`);
    lines.push('  by expected DLQ reason:');
    for (const [reason, count] of Object.entries(s.invalidByReason))
      lines.push(`    ${reason.padEnd(22)}  ${int(count).padStart(9)}`);
  }
  return lines.join('\n');
}
