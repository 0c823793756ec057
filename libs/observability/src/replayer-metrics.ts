import { REASON_CODES } from '@login/event-schema';
import type { Registry } from 'prom-client';
import { createMetrics, registerMetrics } from './metrics';

/** The DLQ replayer's metrics (docs/contracts.md "Metrics"): dashboards and alerts depend on these names. */
export const REPLAYER_METRICS = {
  read: {
    type: 'counter',
    name: 'login_replayer_records_read_total',
    help: 'DLQ records read and decided (counted once their batch is acknowledged and committed).',
  },
  replayed: {
    type: 'counter',
    name: 'login_replayer_records_replayed_total',
    help: 'DLQ records re-published to the input topic, by DLQ reason.',
    labelNames: ['reason'],
  },
  parked: {
    type: 'counter',
    name: 'login_replayer_records_parked_total',
    help: 'DLQ records moved to the parked topic by the loop guard, by DLQ reason.',
    labelNames: ['reason'],
  },
  skipped: {
    type: 'counter',
    name: 'login_replayer_records_skipped_total',
    help: 'DLQ records left alone, by DLQ reason and by why (NOT_SELECTED, NON_RETRYABLE, MALFORMED_HEADERS, ...).',
    labelNames: ['reason', 'decision'],
  },
  remaining: {
    type: 'gauge',
    name: 'login_replayer_remaining_records',
    help: 'Records between the last committed position and the end offsets captured at start.',
  },
} as const;

/** The replayer's metrics, on their own registry. */
export interface ReplayerMetrics {
  readonly registry: Registry;
  read(n: number): void;
  counted(action: 'replay' | 'park' | 'skip', reason: string, decision: string): void;
  remaining(n: number): void;
}

const KNOWN_REASONS = new Set<string>([...REASON_CODES, 'UNKNOWN']);

/** Label values stay bounded: a reason header outside the contract becomes `other`. */
function reasonLabel(reason: string): string {
  return KNOWN_REASONS.has(reason) ? reason : 'other';
}

export interface ReplayerMetricsOptions {
  readonly defaultMetrics?: boolean;
  /** The running version, exported as login_pipeline_build_info{app="dlq-replayer",version}. */
  readonly version?: string;
}

export function createReplayerMetrics(options: ReplayerMetricsOptions = {}): ReplayerMetrics {
  const metrics = createMetrics({
    defaultMetrics: options.defaultMetrics ?? true,
    ...(options.version === undefined ? {} : { build: { app: 'dlq-replayer', version: options.version } }),
  });
  const { read, replayed, parked, skipped, remaining } = registerMetrics(metrics, REPLAYER_METRICS);
  return {
    registry: metrics.registry,
    read: (n) => read.inc(n),
    counted: (action, reason, decision) => {
      const label = reasonLabel(reason);
      if (action === 'replay') replayed.inc({ reason: label });
      else if (action === 'park') parked.inc({ reason: label });
      else skipped.inc({ reason: label, decision });
    },
    remaining: (n) => remaining.set(n),
  };
}
