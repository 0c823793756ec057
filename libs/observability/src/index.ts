export { OTHER_LABEL, boundedLabel } from './bounded-label';
export type { LabelBound } from './bounded-label';
export { HttpPortInUseError, reportPortInUse, startHttpServer } from './http-server';
export type { HttpServerOptions, Readiness, RunningHttpServer } from './http-server';
export { createLogger } from './logger';
export type { LogFormat, LogLevel, LogMeta, Logger, LoggerOptions } from './logger';
export { BUILD_INFO_METRIC, createMetrics, metricsOn, registerMetrics } from './metrics';
export type { MetricDefinition, Metrics, MetricsOptions, RegisteredMetrics } from './metrics';
export {
  DEVICE_TYPE_LABELS,
  MAX_DISTINCT_APP_VERSIONS,
  MAX_DISTINCT_LOCALES,
  PROCESSOR_METRICS,
  createProcessorMetrics,
} from './processor-metrics';
export type { EventLabels, ProcessorMetrics } from './processor-metrics';
export { GENERATOR_METRICS, createGeneratorMetrics } from './generator-metrics';
export type { GeneratorMetrics, GeneratorMetricsOptions } from './generator-metrics';
export { REPLAYER_METRICS, createReplayerMetrics } from './replayer-metrics';
export type { ReplayerMetrics } from './replayer-metrics';
export { runProcess } from './run-process';
export type { ProcessContext, RunProcessOptions, StopHandlers } from './run-process';
export { createShutdown } from './shutdown';
export type { Shutdown, ShutdownOptions } from './shutdown';
