import type { ConsumedRecord, RecordHeaders } from '@login/kafka';
import { decodeDlqRecord, type DlqRecordView } from './dlq-record';
import { selectionMiss, type Selection } from './selection';

export interface RecordPointer {
  readonly partition: number;
  readonly offset: string;
  readonly failedAt: string;
}

export interface SampleRecord {
  readonly partition: number;
  readonly offset: string;
  readonly timestamp: string;
  readonly key: string | null;
  readonly headers: Record<string, string | string[]>;
  /** Only with --show-values: the DLQ holds raw PII. UTF-8 text, or `base64:<…>` for bytes that are not UTF-8. */
  readonly value?: string | null;
}

export interface InspectSummary {
  readonly total: number;
  readonly byReason: Record<string, number>;
  readonly byStage: Record<string, number>;
  readonly byRetryable: Record<string, number>;
  readonly byProcessor: Record<string, number>;
  /** Failure hour, UTC, `YYYY-MM-DDTHH:00Z`. */
  readonly byHour: Record<string, number>;
  readonly byReplayCount: Record<string, number>;
  /** Records whose headers lack something a replay needs (they would be skipped as MALFORMED_HEADERS). */
  readonly malformed: number;
  readonly oldest: RecordPointer | null;
  readonly newest: RecordPointer | null;
  readonly samples: readonly SampleRecord[];
}

export interface InspectOptions {
  readonly selection?: Selection;
  readonly sample: number;
  readonly showValues: boolean;
}

export const UNKNOWN = 'UNKNOWN';

/** `processor@1.2.3 host-abc` → `processor@1.2.3`: versions, not instances, are what an operator groups by. */
export function processorVersion(processor: string | undefined): string {
  if (processor === undefined) return UNKNOWN;
  return processor.trim().split(/\s+/)[0] ?? UNKNOWN;
}

export function hourBucket(epochMs: number | undefined): string {
  if (epochMs === undefined) return UNKNOWN;
  const iso = new Date(epochMs).toISOString();
  return `${iso.slice(0, 13)}:00Z`;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Bytes as text for display: UTF-8 when they are valid UTF-8, otherwise `base64:…`. */
export function displayBytes(bytes: Buffer): string {
  try {
    return utf8.decode(bytes);
  } catch {
    return `base64:${bytes.toString('base64')}`;
  }
}

function displayHeaders(headers: RecordHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name] = Array.isArray(value) ? value.map(displayBytes) : displayBytes(value);
  }
  return out;
}

function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

function pointer(view: DlqRecordView): RecordPointer | null {
  if (view.failedAtMs === undefined) return null;
  return { partition: view.partition, offset: view.offset.toString(), failedAt: new Date(view.failedAtMs).toISOString() };
}

/** Accumulates an inspect summary one record at a time, so memory stays bounded whatever the DLQ holds. */
export class InspectAggregator {
  private total = 0;
  private malformed = 0;
  private readonly byReason: Record<string, number> = {};
  private readonly byStage: Record<string, number> = {};
  private readonly byRetryable: Record<string, number> = {};
  private readonly byProcessor: Record<string, number> = {};
  private readonly byHour: Record<string, number> = {};
  private readonly byReplayCount: Record<string, number> = {};
  private oldest: { ms: number; at: RecordPointer } | null = null;
  private newest: { ms: number; at: RecordPointer } | null = null;
  private readonly samples: SampleRecord[] = [];

  constructor(private readonly options: InspectOptions) {}

  add(record: ConsumedRecord): void {
    const view = decodeDlqRecord(record);
    if (this.options.selection && selectionMiss(view, this.options.selection) !== undefined) return;
    this.total += 1;
    if (view.problems.length > 0) this.malformed += 1;
    bump(this.byReason, view.reason ?? UNKNOWN);
    bump(this.byStage, view.stage ?? UNKNOWN);
    bump(this.byRetryable, view.retryable === undefined ? UNKNOWN : String(view.retryable));
    bump(this.byProcessor, processorVersion(view.processor));
    bump(this.byHour, hourBucket(view.failedAtMs));
    bump(this.byReplayCount, view.replayCount === undefined ? UNKNOWN : String(view.replayCount));
    const at = pointer(view);
    if (at && view.failedAtMs !== undefined) {
      if (this.oldest === null || view.failedAtMs < this.oldest.ms) this.oldest = { ms: view.failedAtMs, at };
      if (this.newest === null || view.failedAtMs > this.newest.ms) this.newest = { ms: view.failedAtMs, at };
    }
    if (this.samples.length < this.options.sample) {
      this.samples.push({
        partition: record.partition,
        offset: record.offset,
        timestamp: record.timestamp,
        key: record.key === null ? null : displayBytes(record.key),
        headers: displayHeaders(record.headers),
        ...(this.options.showValues ? { value: record.value === null ? null : displayBytes(record.value) } : {}),
      });
    }
  }

  summary(): InspectSummary {
    const sorted = (counts: Record<string, number>) =>
      Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    return {
      total: this.total,
      byReason: sorted(this.byReason),
      byStage: sorted(this.byStage),
      byRetryable: sorted(this.byRetryable),
      byProcessor: sorted(this.byProcessor),
      byHour: sorted(this.byHour),
      byReplayCount: sorted(this.byReplayCount),
      malformed: this.malformed,
      oldest: this.oldest?.at ?? null,
      newest: this.newest?.at ?? null,
      samples: [...this.samples],
    };
  }
}

function section(title: string, counts: Record<string, number>): string[] {
  const entries = Object.entries(counts);
  if (entries.length === 0) return [];
  const width = Math.max(...entries.map(([k]) => k.length));
  return [`${title}:`, ...entries.map(([k, n]) => `  ${k.padEnd(width)}  ${n}`)];
}

/** Human-readable inspect report. */
export function formatInspect(topic: string, summary: InspectSummary): string {
  const lines = [`DLQ ${topic}: ${summary.total} record(s)`];
  if (summary.oldest) lines.push(`oldest failure: ${summary.oldest.failedAt} (partition ${summary.oldest.partition}, offset ${summary.oldest.offset})`);
  if (summary.newest) lines.push(`newest failure: ${summary.newest.failedAt} (partition ${summary.newest.partition}, offset ${summary.newest.offset})`);
  if (summary.malformed > 0) lines.push(`malformed headers (not replayable): ${summary.malformed}`);
  lines.push(
    ...section('by reason', summary.byReason),
    ...section('by stage', summary.byStage),
    ...section('by retryable', summary.byRetryable),
    ...section('by processor', summary.byProcessor),
    ...section('by replay count', summary.byReplayCount),
    ...section('by hour (UTC)', summary.byHour),
  );
  for (const s of summary.samples) {
    lines.push(`sample ${s.partition}/${s.offset} key=${s.key ?? '(null)'} timestamp=${s.timestamp}`);
    for (const [name, value] of Object.entries(s.headers)) lines.push(`  ${name}: ${Array.isArray(value) ? value.join(' | ') : value}`);
    if (s.value !== undefined) lines.push(`  value: ${s.value ?? '(null)'}`);
  }
  return `${lines.join('\n')}\n`;
}
