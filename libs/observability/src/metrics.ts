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
      .gauge({ name: BUILD_INFO_METRIC, help: 'Always 1; the labels name the app and its version.', labelNames: ['app', 'version'] as const })
      .set({ app: options.build.app, version: options.build.version }, 1);
  }
  return metrics;
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
