import type { Outcome } from './process-batch';

const MAX_DISTINCT = 1000;

/** Counts per value with a bounded number of distinct values (the rest count as "other"). */
class BoundedCounter {
  private readonly counts = new Map<string, number>();

  add(value: string, n = 1): void {
    const key = this.counts.has(value) || this.counts.size < MAX_DISTINCT ? value : 'other';
    this.counts.set(key, (this.counts.get(key) ?? 0) + n);
  }

  top(n: number): Array<[string, number]> {
    return [...this.counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, n);
  }

  all(): Record<string, number> {
    return Object.fromEntries([...this.counts.entries()].sort());
  }
}

export interface SummarySnapshot {
  readonly consumed: number;
  readonly processed: number;
  readonly deadLettered: number;
  readonly rates: {
    readonly consumedPerSec: number;
    readonly processedPerSec: number;
    readonly deadLetteredPerSec: number;
  };
  readonly topDeviceTypes: Record<string, number>;
  readonly topAppVersions: Record<string, number>;
  readonly topLocales: Record<string, number>;
  readonly deadLetteredByReason: Record<string, number>;
  readonly consumerLag: Record<string, number>;
  readonly totalLag: number;
}

/**
 * The processor's periodic summary: totals since start, rates over the last interval, the most frequent device
 * types / app versions / locales, dead letters by reason and the consumer lag per partition. Pure: the caller
 * passes the clock and the lag.
 */
export class PeriodicSummary {
  private consumed = 0;
  private processed = 0;
  private deadLettered = 0;
  private readonly deviceTypes = new BoundedCounter();
  private readonly appVersions = new BoundedCounter();
  private readonly locales = new BoundedCounter();
  private readonly reasons = new BoundedCounter();
  private last: { atMs: number; consumed: number; processed: number; deadLettered: number };

  constructor(startMs: number) {
    this.last = { atMs: startMs, consumed: 0, processed: 0, deadLettered: 0 };
  }

  record(outcomes: readonly Outcome[]): void {
    for (const outcome of outcomes) {
      this.consumed++;
      if (outcome.kind === 'processed') {
        this.processed++;
        this.deviceTypes.add(outcome.event.device_type);
        this.appVersions.add(outcome.event.app_version);
        this.locales.add(outcome.event.locale);
      } else {
        this.deadLettered++;
        this.reasons.add(outcome.reason);
      }
    }
  }

  snapshot(nowMs: number, lag: ReadonlyMap<string, number>, topN = 5): SummarySnapshot {
    const seconds = Math.max((nowMs - this.last.atMs) / 1000, 0.001);
    const rate = (now: number, before: number) => Math.round(((now - before) / seconds) * 10) / 10;
    const snapshot: SummarySnapshot = {
      consumed: this.consumed,
      processed: this.processed,
      deadLettered: this.deadLettered,
      rates: {
        consumedPerSec: rate(this.consumed, this.last.consumed),
        processedPerSec: rate(this.processed, this.last.processed),
        deadLetteredPerSec: rate(this.deadLettered, this.last.deadLettered),
      },
      topDeviceTypes: Object.fromEntries(this.deviceTypes.top(topN)),
      topAppVersions: Object.fromEntries(this.appVersions.top(topN)),
      topLocales: Object.fromEntries(this.locales.top(topN)),
      deadLetteredByReason: this.reasons.all(),
      consumerLag: Object.fromEntries(lag),
      totalLag: [...lag.values()].reduce((a, b) => a + b, 0),
    };
    this.last = { atMs: nowMs, consumed: this.consumed, processed: this.processed, deadLettered: this.deadLettered };
    return snapshot;
  }
}
