import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CounterConfiguration, GaugeConfiguration, HistogramConfiguration } from 'prom-client';

type OwnRegistry<C> = Omit<C, 'registers'>;

export interface Metrics {
  /** The app's own registry (never prom-client's global one, so tests and apps do not share state). */
  readonly registry: Registry;
  counter<L extends string = never>(config: OwnRegistry<CounterConfiguration<L>>): Counter<L>;
  gauge<L extends string = never>(config: OwnRegistry<GaugeConfiguration<L>>): Gauge<L>;
  histogram<L extends string = never>(config: OwnRegistry<HistogramConfiguration<L>>): Histogram<L>;
}

export interface MetricsOptions {
  /** Defaults to a new Registry. */
  registry?: Registry;
  /** Node process metrics (CPU, memory, event loop, GC), unprefixed. Default true. */
  defaultMetrics?: boolean;
  /** Which app and version this is: `login_pipeline_build_info{app,version} 1` (omitted without it). */
  build?: { readonly app: string; readonly version: string };
}

/** Shared by every app: which build answers /metrics (dashboards join on it; an upgrade shows as a label change). */
export const BUILD_INFO_METRIC = 'login_pipeline_build_info';

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = options.registry ?? new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const metrics = metricsOn(registry);
  if (options.build) {
    metrics
      .gauge({
        name: BUILD_INFO_METRIC,
        help: 'Always 1; the labels name the app and its version.',
        labelNames: ['app', 'version'] as const,
      })
      .set({ app: options.build.app, version: options.build.version }, 1);
  }
  return metrics;
}

/** One metric of an app's table: what it is, its name (the contract), its help text and labels. */
export interface MetricDefinition {
  readonly type: 'counter' | 'gauge';
  readonly name: string;
  readonly help: string;
  readonly labelNames?: readonly string[];
}

type LabelsOf<D> = D extends { readonly labelNames: readonly (infer L extends string)[] } ? L : never;

/** The metrics of a table, by its keys: a counter or a gauge with the labels its definition names. */
export type RegisteredMetrics<T extends Record<string, MetricDefinition>> = {
  readonly [K in keyof T]: T[K]['type'] extends 'gauge' ? Gauge<LabelsOf<T[K]>> : Counter<LabelsOf<T[K]>>;
};

/** Registers every metric of a table (e.g. GENERATOR_METRICS) with `metrics`. */
export function registerMetrics<T extends Record<string, MetricDefinition>>(
  metrics: Metrics,
  table: T,
): RegisteredMetrics<T> {
  const registered: Record<string, Counter<string> | Gauge<string>> = {};
  for (const [key, { type, name, help, labelNames }] of Object.entries(table)) {
    const config = { name, help, labelNames: [...(labelNames ?? [])] };
    registered[key] = type === 'gauge' ? metrics.gauge(config) : metrics.counter(config);
  }
  return registered as RegisteredMetrics<T>;
}

/** The metric factory bound to an existing registry. */
export function metricsOn(registry: Registry): Metrics {
  return {
    registry,
    counter: (config) => new Counter({ ...config, registers: [registry] }),
    gauge: (config) => new Gauge({ ...config, registers: [registry] }),
    histogram: (config) => new Histogram({ ...config, registers: [registry] }),
  };
}
