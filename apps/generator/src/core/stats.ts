import type { GeneratedRecord, RecordKind } from './event-builder';
import type { InputReasonCode } from './input-event';

/** Counts of one batch, by kind and expected reason, taken when it is built. */
export interface BatchTally {
  readonly records: number;
  readonly invalid: number;
  readonly bytes: number;
  readonly byKind: ReadonlyMap<RecordKind, number>;
  readonly byReason: ReadonlyMap<InputReasonCode, number>;
}

export function tally(records: readonly GeneratedRecord[]): BatchTally {
  const byKind = new Map<RecordKind, number>();
  const byReason = new Map<InputReasonCode, number>();
  let invalid = 0;
  let bytes = 0;
  for (const r of records) {
    byKind.set(r.kind, (byKind.get(r.kind) ?? 0) + 1);
    if (r.expectedReason !== null) {
      invalid += 1;
      byReason.set(r.expectedReason, (byReason.get(r.expectedReason) ?? 0) + 1);
    }
    bytes += r.value?.length ?? 0;
  }
  return { records: records.length, invalid, bytes, byKind, byReason };
}

/** Running totals of a generator run. Produced = acknowledged by the broker (or written, in a dry run). */
export interface RunTotals {
  generated: number;
  produced: number;
  producedInvalid: number;
  producedBytes: number;
  failed: number;
  batches: number;
  sendErrors: number;
  producedByKind: Map<RecordKind, number>;
  producedByReason: Map<InputReasonCode, number>;
  failedByKind: Map<RecordKind, number>;
  lastError: string | undefined;
}

export interface RunStats {
  readonly totals: Readonly<RunTotals>;
  generated(n: number): void;
  acknowledged(batch: BatchTally): void;
  failed(batch: BatchTally, error: unknown): void;
}

function addAll<K>(into: Map<K, number>, from: ReadonlyMap<K, number>): void {
  for (const [k, n] of from) into.set(k, (into.get(k) ?? 0) + n);
}

export function createRunStats(): RunStats {
  const totals: RunTotals = {
    generated: 0,
    produced: 0,
    producedInvalid: 0,
    producedBytes: 0,
    failed: 0,
    batches: 0,
    sendErrors: 0,
    producedByKind: new Map(),
    producedByReason: new Map(),
    failedByKind: new Map(),
    lastError: undefined,
  };
  return {
    totals,
    generated(n) {
      totals.generated += n;
    },
    acknowledged(batch) {
      totals.batches += 1;
      totals.produced += batch.records;
      totals.producedInvalid += batch.invalid;
      totals.producedBytes += batch.bytes;
      addAll(totals.producedByKind, batch.byKind);
      addAll(totals.producedByReason, batch.byReason);
    },
    failed(batch, error) {
      totals.batches += 1;
      totals.sendErrors += 1;
      totals.failed += batch.records;
      addAll(totals.failedByKind, batch.byKind);
      totals.lastError = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    },
  };
}

/**
 * Events per second over a sliding window: `sample(now, total)` on every tick, `rate()` from the oldest sample
 * still inside the window to the newest.
 */
export interface RateMeter {
  sample(nowMs: number, total: number): void;
  rate(): number;
}

export function createRateMeter(windowMs = 2_000): RateMeter {
  const samples: Array<{ t: number; n: number }> = [];
  return {
    sample(t, n) {
      samples.push({ t, n });
      while (samples.length > 2 && (samples[1]?.t ?? t) <= t - windowMs) samples.shift();
    },
    rate() {
      const first = samples[0];
      const last = samples[samples.length - 1];
      if (first === undefined || last === undefined || last.t <= first.t) return 0;
      return ((last.n - first.n) * 1000) / (last.t - first.t);
    },
  };
}
