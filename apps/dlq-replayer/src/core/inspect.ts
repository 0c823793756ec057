import type { ConsumedRecord, RecordHeaders } from '@login/kafka';
import { DLQ_HEADERS, decodeDeadLetter, type DeadLetterView } from '@login/event-schema';
import { selectionMiss, type Selection } from './selection';
import { displayBytes, headerLabel as label } from './terminal-text';

export interface RecordPointer {
  readonly partition: number;
  readonly offset: string;
  readonly failedAt: string;
}

export interface SampleRecord {
  readonly partition: number;
  readonly offset: string;
  readonly timestamp: string;
  /**
   * Escaped for a terminal (control characters as `\xHH`), or `base64:…` for bytes that are not UTF-8. Without
   * --show-values only its size (`<N bytes>`): a key is often a user id or a device id.
   */
  readonly key: string | null;
  /** The DLQ's own headers readable; upstream headers (which may carry PII) as `<N bytes>` without --show-values. */
  readonly headers: Record<string, string | string[]>;
  /** Only with --show-values: the DLQ holds raw PII. Escaped like the key, cut at 1,024 characters. */
  readonly value?: string | null;
}

/** One row of the reason × stage × retryable table. */
export interface FailureGroup {
  readonly reason: string;
  readonly stage: string;
  readonly retryable: string;
  readonly records: number;
  /** Key + value + header bytes of the records. */
  readonly bytes: number;
  readonly firstFailedAt: string | null;
  readonly lastFailedAt: string | null;
}

export interface PartitionCounts {
  readonly partition: number;
  readonly records: number;
  readonly bytes: number;
  readonly firstFailedAt: string | null;
  readonly lastFailedAt: string | null;
}

export interface InspectSummary {
  readonly total: number;
  readonly bytes: number;
  /** Reason × stage × retryable, most records first. */
  readonly groups: readonly FailureGroup[];
  readonly partitions: readonly PartitionCounts[];
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

/** What `inspect` prints (text) or writes (--json). */
export interface InspectResult {
  readonly topic: string;
  /** complete: read to the end offsets captured at start; interrupted: a signal stopped the read first. */
  readonly outcome: 'complete' | 'interrupted';
  /** Per partition: the offsets read ([start, end) captured at start) and the selected records found there. */
  readonly partitions: readonly {
    readonly partition: number;
    readonly start: string;
    readonly end: string;
    readonly records: number;
    readonly bytes: number;
  }[];
  readonly summary: InspectSummary;
}

export const UNKNOWN = 'UNKNOWN';
/** Where values go once a facet has MAX_BUCKETS distinct ones: header values are input, and memory stays bounded. */
export const OTHER = '(other)';
const MAX_BUCKETS = 200;
const MAX_GROUPS = 500;
const MAX_VALUE = 1024;

/** `processor@1.2.3 host-abc` → `processor@1.2.3`: versions, not instances, are what an operator groups by. */
export function processorVersion(processor: string | undefined): string {
  if (processor === undefined) return UNKNOWN;
  return label(processor.trim().split(/\s+/)[0] ?? UNKNOWN);
}

export function hourBucket(epochMs: number | undefined): string {
  if (epochMs === undefined) return UNKNOWN;
  const iso = new Date(epochMs).toISOString();
  return `${iso.slice(0, 13)}:00Z`;
}

/** The DLQ's own headers: written by the processor, free of PII by contract. */
const SAMPLE_CONTEXT: ReadonlySet<string> = new Set(Object.values(DLQ_HEADERS));

/** The size in place of bytes that may hold PII (a key, an upstream header's value). */
function sizeOf(bytes: Buffer): string {
  return `<${bytes.length} bytes>`;
}

/**
 * Header names always (escaped); values of the DLQ's own context headers always, since they hold no PII (the
 * processor writes them, docs/contracts.md); values of upstream headers only with `showValues`.
 */
function displayHeaders(headers: RecordHeaders, showValues: boolean): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const show = (v: Buffer) => (showValues || SAMPLE_CONTEXT.has(name) ? displayBytes(v, MAX_VALUE) : sizeOf(v));
    out[label(name)] = Array.isArray(value) ? value.map(show) : show(value);
  }
  return out;
}

function recordBytes(record: ConsumedRecord): number {
  let bytes = (record.key?.length ?? 0) + (record.value?.length ?? 0);
  for (const [name, value] of Object.entries(record.headers)) {
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value])
      bytes += Buffer.byteLength(name) + v.length;
  }
  return bytes;
}

/** Counts by value, at most `max` distinct values; the rest are counted under OTHER. */
class BoundedCounts {
  private readonly counts = new Map<string, number>();
  constructor(private readonly max = MAX_BUCKETS) {}
  bump(key: string): void {
    const k = this.counts.has(key) || this.counts.size < this.max ? key : OTHER;
    this.counts.set(k, (this.counts.get(k) ?? 0) + 1);
  }
  sorted(): Record<string, number> {
    return Object.fromEntries([...this.counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
}

/** Records, bytes and failure span of one table row. */
class Tally {
  records = 0;
  bytes = 0;
  private first: number | undefined;
  private last: number | undefined;
  add(bytes: number, failedAtMs: number | undefined): void {
    this.records += 1;
    this.bytes += bytes;
    if (failedAtMs === undefined) return;
    if (this.first === undefined || failedAtMs < this.first) this.first = failedAtMs;
    if (this.last === undefined || failedAtMs > this.last) this.last = failedAtMs;
  }
  span(): { firstFailedAt: string | null; lastFailedAt: string | null } {
    const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
    return { firstFailedAt: iso(this.first), lastFailedAt: iso(this.last) };
  }
}

function pointer(view: DeadLetterView): RecordPointer | null {
  if (view.failedAtMs === undefined) return null;
  return {
    partition: view.partition,
    offset: view.offset.toString(),
    failedAt: new Date(view.failedAtMs).toISOString(),
  };
}

/** Accumulates an inspect summary one record at a time; memory is bounded whatever the DLQ holds. */
export class InspectAggregator {
  private total = 0;
  private bytes = 0;
  private malformed = 0;
  private readonly groups = new Map<string, { reason: string; stage: string; retryable: string; tally: Tally }>();
  private readonly partitions = new Map<number, Tally>();
  private readonly byReason = new BoundedCounts();
  private readonly byStage = new BoundedCounts();
  private readonly byRetryable = new BoundedCounts();
  private readonly byProcessor = new BoundedCounts();
  private readonly byHour = new BoundedCounts();
  private readonly byReplayCount = new BoundedCounts();
  private oldest: { ms: number; at: RecordPointer } | null = null;
  private newest: { ms: number; at: RecordPointer } | null = null;
  private readonly samples: SampleRecord[] = [];

  constructor(private readonly options: InspectOptions) {}

  add(record: ConsumedRecord): void {
    const view = decodeDeadLetter(record);
    if (this.options.selection && selectionMiss(view, this.options.selection) !== undefined) return;
    const bytes = recordBytes(record);
    this.total += 1;
    this.bytes += bytes;
    if (view.problems.length > 0) this.malformed += 1;
    const reason = label(view.reason);
    const stage = label(view.stage);
    const retryable = view.retryable === undefined ? UNKNOWN : String(view.retryable);
    this.byReason.bump(reason);
    this.byStage.bump(stage);
    this.byRetryable.bump(retryable);
    this.byProcessor.bump(processorVersion(view.processor));
    this.byHour.bump(hourBucket(view.failedAtMs));
    this.byReplayCount.bump(view.replayCount === undefined ? UNKNOWN : String(view.replayCount));
    this.group(reason, stage, retryable).add(bytes, view.failedAtMs);
    let partition = this.partitions.get(record.partition);
    if (!partition) this.partitions.set(record.partition, (partition = new Tally()));
    partition.add(bytes, view.failedAtMs);
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
        key:
          record.key === null
            ? null
            : this.options.showValues
              ? displayBytes(record.key, MAX_VALUE)
              : sizeOf(record.key),
        headers: displayHeaders(record.headers, this.options.showValues),
        ...(this.options.showValues
          ? { value: record.value === null ? null : displayBytes(record.value, MAX_VALUE) }
          : {}),
      });
    }
  }

  private group(reason: string, stage: string, retryable: string): Tally {
    let key = JSON.stringify([reason, stage, retryable]);
    let row = this.groups.get(key);
    if (!row && this.groups.size >= MAX_GROUPS) {
      key = JSON.stringify([OTHER, OTHER, OTHER]);
      row = this.groups.get(key);
      if (!row) this.groups.set(key, (row = { reason: OTHER, stage: OTHER, retryable: OTHER, tally: new Tally() }));
    }
    if (!row) this.groups.set(key, (row = { reason, stage, retryable, tally: new Tally() }));
    return row.tally;
  }

  summary(): InspectSummary {
    return {
      total: this.total,
      bytes: this.bytes,
      groups: [...this.groups.values()]
        .map(({ reason, stage, retryable, tally }) => ({
          reason,
          stage,
          retryable,
          records: tally.records,
          bytes: tally.bytes,
          ...tally.span(),
        }))
        .sort(
          (a, b) =>
            b.records - a.records ||
            a.reason.localeCompare(b.reason) ||
            a.stage.localeCompare(b.stage) ||
            a.retryable.localeCompare(b.retryable),
        ),
      partitions: [...this.partitions]
        .sort(([a], [b]) => a - b)
        .map(([partition, tally]) => ({ partition, records: tally.records, bytes: tally.bytes, ...tally.span() })),
      byReason: this.byReason.sorted(),
      byStage: this.byStage.sorted(),
      byRetryable: this.byRetryable.sorted(),
      byProcessor: this.byProcessor.sorted(),
      byHour: this.byHour.sorted(),
      byReplayCount: this.byReplayCount.sorted(),
      malformed: this.malformed,
      oldest: this.oldest?.at ?? null,
      newest: this.newest?.at ?? null,
      samples: [...this.samples],
    };
  }
}

/** 1536 → `1.5 KiB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

const count = (n: number) => n.toLocaleString('en-US');

/** Left-aligns text columns and right-aligns numeric ones (`right` lists their indexes). */
function table(rows: readonly (readonly string[])[], right: ReadonlySet<number>): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) =>
    row
      .map((cell, i) =>
        right.has(i) ? cell.padStart(widths[i] ?? 0) : i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0),
      )
      .join('  ')
      .trimEnd(),
  );
}

function facet(title: string, counts: Record<string, number>): string[] {
  const entries = Object.entries(counts);
  if (entries.length === 0) return [];
  return [`${title}: ${entries.map(([k, n]) => `${k} ${count(n)}`).join(', ')}`];
}

/** The human-readable inspect report. Every string from a record was escaped by the aggregator. */
export function formatInspect(result: InspectResult): string {
  const s = result.summary;
  const lines = [
    `DLQ ${result.topic}: ${count(s.total)} record(s), ${formatBytes(s.bytes)} (keys + values + headers)` +
      (result.outcome === 'interrupted'
        ? ' — INTERRUPTED: only part of the DLQ was read'
        : ', read to the end offsets captured at start'),
  ];
  if (s.oldest && s.newest) {
    lines.push(
      `failures from ${s.oldest.failedAt} (partition ${s.oldest.partition}, offset ${s.oldest.offset}) ` +
        `to ${s.newest.failedAt} (partition ${s.newest.partition}, offset ${s.newest.offset})`,
    );
  }
  if (s.groups.length > 0) {
    lines.push(
      '',
      ...table(
        [
          ['reason', 'stage', 'retryable', 'records', 'bytes', 'first failure', 'last failure'],
          ...s.groups.map((g) => [
            g.reason,
            g.stage,
            g.retryable,
            count(g.records),
            formatBytes(g.bytes),
            g.firstFailedAt ?? '-',
            g.lastFailedAt ?? '-',
          ]),
          ['total', '', '', count(s.total), formatBytes(s.bytes), s.oldest?.failedAt ?? '-', s.newest?.failedAt ?? '-'],
        ],
        new Set([3, 4]),
      ),
    );
  }
  const found = new Map(s.partitions.map((p) => [p.partition, p]));
  lines.push(
    '',
    ...table(
      [
        ['partition', 'offsets read', 'records', 'bytes', 'first failure', 'last failure'],
        ...result.partitions.map((p) => {
          const c = found.get(p.partition);
          return [
            String(p.partition),
            `${p.start} .. ${p.end}`,
            count(c?.records ?? 0),
            formatBytes(c?.bytes ?? 0),
            c?.firstFailedAt ?? '-',
            c?.lastFailedAt ?? '-',
          ];
        }),
      ],
      new Set([0, 2, 3]),
    ),
    '',
    ...facet('processor versions', s.byProcessor),
    ...facet('replay counts', s.byReplayCount),
    ...facet('failures by hour (UTC)', s.byHour),
  );
  if (s.malformed > 0) lines.push(`malformed headers (a replay skips them): ${count(s.malformed)}`);
  if (s.samples.length > 0) {
    const hidden = s.samples.some((x) => x.value === undefined);
    lines.push(
      '',
      `samples (first ${s.samples.length}${hidden ? '; keys, values and upstream header values hidden: --show-values prints them, they hold raw PII' : ''}; --json has every header):`,
    );
    for (const x of s.samples) lines.push(...formatSample(x, !hidden));
  }
  return `${lines.join('\n')}\n`;
}

/** A sample in three or four lines: where and why it failed, where it came from, its own headers, its value. */
function formatSample(x: SampleRecord, shown: boolean): string[] {
  const h = (name: string) => {
    const v = x.headers[name];
    return Array.isArray(v) ? v[v.length - 1] : v;
  };
  const failedAt = Number(h(DLQ_HEADERS.failedAt));
  const key = x.key === null ? '(null)' : shown ? `"${x.key}"` : x.key;
  const lines = [
    `  ${x.partition}/${x.offset}  key ${key}  failed ${Number.isSafeInteger(failedAt) ? new Date(failedAt).toISOString() : (h(DLQ_HEADERS.failedAt) ?? '?')}  ` +
      `${h(DLQ_HEADERS.reason) ?? '?'} at ${h(DLQ_HEADERS.stage) ?? '?'} (retryable ${h(DLQ_HEADERS.retryable) ?? '?'}, replays ${h(DLQ_HEADERS.replayCount) ?? '?'})`,
    `      from ${h(DLQ_HEADERS.topic) ?? '?'} ${h(DLQ_HEADERS.partition) ?? '?'}/${h(DLQ_HEADERS.offset) ?? '?'} by ${h(DLQ_HEADERS.processor) ?? '?'}: ` +
      `${h(DLQ_HEADERS.exceptionClass) ?? '?'}: ${h(DLQ_HEADERS.message) ?? '?'}`,
  ];
  const validation = h(DLQ_HEADERS.validation);
  if (validation !== undefined) lines.push(`      validation: ${validation}`);
  const own = Object.entries(x.headers).filter(([name]) => !SAMPLE_CONTEXT.has(name));
  if (own.length > 0)
    lines.push(
      `      other headers: ${own.map(([name, v]) => `${name}=${Array.isArray(v) ? v.join('|') : v}`).join(', ')}`,
    );
  if (x.value !== undefined) lines.push(`      value: ${x.value === null ? '(null)' : `"${x.value}"`}`);
  return lines;
}
