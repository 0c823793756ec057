import type { Registry } from 'prom-client';
import { createMetrics, registerMetrics } from './metrics';

/** The generator's metrics (docs/contracts.md "Metrics"): dashboards and alerts depend on these names. */
export const GENERATOR_METRICS = {
  produced: {
    type: 'counter',
    name: 'login_generator_events_produced_total',
    help: 'Records acknowledged by the broker, by kind: "valid" or the malformed kind.',
    labelNames: ['kind'],
  },
  sendErrors: {
    type: 'counter',
    name: 'login_generator_send_errors_total',
    help: 'Batches whose send failed (after the client retries).',
  },
  failed: {
    type: 'counter',
    name: 'login_generator_events_failed_total',
    help: 'Records in batches whose send failed.',
  },
  batches: { type: 'counter', name: 'login_generator_batches_total', help: 'Batches sent (acknowledged or failed).' },
  rate: {
    type: 'gauge',
    name: 'login_generator_rate_events_per_second',
    help: 'Records acknowledged per second over the last seconds.',
  },
  targetRate: {
    type: 'gauge',
    name: 'login_generator_target_rate_events_per_second',
    help: 'The configured rate (0 = unthrottled).',
  },
} as const;

/** The generator's metrics, on their own registry. */
export interface GeneratorMetrics {
  readonly registry: Registry;
  produced(kind: string, n: number): void;
  sendError(records: number): void;
  batch(): void;
  setRate(eventsPerSecond: number): void;
}

export interface GeneratorMetricsOptions {
  readonly targetRate: number;
  /** Kinds this run can produce: their series start at 0, so dashboards see them before the first record. */
  readonly kinds?: readonly string[];
  readonly defaultMetrics?: boolean;
  /** The running version, exported as login_pipeline_build_info{app="generator",version}. */
  readonly version?: string;
}

export function createGeneratorMetrics(options: GeneratorMetricsOptions): GeneratorMetrics {
  const metrics = createMetrics({
    defaultMetrics: options.defaultMetrics ?? true,
    ...(options.version === undefined ? {} : { build: { app: 'generator', version: options.version } }),
  });
  const { produced, sendErrors, failed, batches, rate, targetRate } = registerMetrics(metrics, GENERATOR_METRICS);
  targetRate.set(options.targetRate);
  for (const kind of options.kinds ?? ['valid']) produced.inc({ kind }, 0);
  return {
    registry: metrics.registry,
    produced: (kind, n) => produced.inc({ kind }, n),
    sendError: (records) => {
      sendErrors.inc();
      failed.inc(records);
    },
    batch: () => batches.inc(),
    setRate: (r) => rate.set(r),
  };
}
