import { DEVICE_TYPES, LINEAGE_REJECTIONS, REASON_CODES, isAppVersion, isLocale } from '@login/event-schema';
import type { LineageRejection, ReasonCode } from '@login/event-schema';
import type { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { boundedLabel } from './bounded-label';
import { metricsOn, type Metrics } from './metrics';

/** The processor's metric names (docs/contracts.md "Metrics"): dashboards and alerts depend on them. */
export const PROCESSOR_METRICS = {
  recordsConsumed: 'login_processor_records_consumed_total',
  recordsProcessed: 'login_processor_records_processed_total',
  recordsDeadLettered: 'login_processor_records_dead_lettered_total',
  events: 'login_processor_events_total',
  eventLatency: 'login_processor_event_latency_seconds',
  batchDuration: 'login_processor_batch_duration_seconds',
  consumerLag: 'login_processor_consumer_lag',
  transactions: 'login_processor_transactions_total',
  transactionDuration: 'login_processor_transaction_duration_seconds',
  info: 'login_processor_info',
  untrustedLineage: 'login_processor_untrusted_lineage_total',
} as const;

/** The output's device types (one list, declared in @login/event-schema): `other` is among them. */
export const DEVICE_TYPE_LABELS: readonly string[] = DEVICE_TYPES;
// The events counter has device_type × app_version × locale series: 4 × 9 × 9 = 324 at most.
export const MAX_DISTINCT_APP_VERSIONS = 8;
export const MAX_DISTINCT_LOCALES = 8;

// Event time to processing: from milliseconds (live traffic) through a backlog being drained (minutes) to events that
// arrive late (hours, days: a phone that was offline). Without the long buckets a late event counts only in +Inf.
const LATENCY_BUCKETS = [
  0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 10_800, 21_600,
  43_200, 86_400, 259_200, 604_800,
];
// One eachBatch call: transform, produce with acks=-1, commit.
const BATCH_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
// One transaction (exactly_once): its sends, the offsets, the commit.
const TRANSACTION_BUCKETS = BATCH_BUCKETS;

export interface EventLabels {
  device_type?: string;
  app_version: string;
  locale: string;
}

export interface ProcessorMetrics {
  readonly recordsConsumed: Counter;
  readonly recordsProcessed: Counter;
  readonly recordsDeadLettered: Counter<'reason'>;
  readonly events: Counter<'device_type' | 'app_version' | 'locale'>;
  readonly eventLatency: Histogram;
  readonly batchDuration: Histogram;
  readonly consumerLag: Gauge<'topic' | 'partition'>;
  /** exactly_once: transactions by result (committed, aborted). */
  readonly transactions: Counter<'result'>;
  readonly transactionDuration: Histogram;
  /** 1, labelled with the processing guarantee the processor runs with. */
  readonly info: Gauge<'guarantee'>;
  /** Records with a well-formed replay lineage whose signature did not verify (treated as fresh), by why. */
  readonly untrustedLineage: Counter<'reason'>;
  /** Counts processed events by their bounded labels, with one counter update per distinct label set. */
  countEvents(events: Iterable<EventLabels>): void;
  countDeadLettered(reason: ReasonCode, count?: number): void;
  countUntrustedLineage(reason: LineageRejection, count?: number): void;
  /** Negative latencies (event times slightly in the future, within the allowed skew) count as 0. */
  observeLatencyMs(latencyMs: number): void;
  setConsumerLag(topic: string, partition: number, lag: number): void;
}

/**
 * The processor's metrics on `registry`.
 *
 * docs/contracts.md "Metrics" asks for `login_processor_events_total{device_type}` and `…{app_version}`, `…{locale}`. One metric
 * name cannot be registered three times with different label sets, and three names would break the contract, so
 * this is ONE counter with the three labels; each dimension is read with `sum by (device_type) (…)` etc. Every
 * label is bounded (device_type to a fixed list, app_version and locale to the first 8 distinct values), so the
 * worst case is 4 × 9 × 9 = 324 series.
 */
export function createProcessorMetrics(registry: Registry): ProcessorMetrics {
  const metrics = metricsOn(registry);
  // Registration order is the order of the /metrics page: the groups are created in the order the metrics have
  // always been registered in, so a scrape reads the same.
  const deadLetters = deadLetterMetrics(metrics);
  const perEvent = eventMetrics(metrics);
  const lag = consumerLagMetrics(metrics);
  const transactions = transactionCounter(metrics);
  const lineage = untrustedLineageMetrics(metrics);
  const batches = batchMetrics(metrics);
  const transactionDuration = transactionDurationHistogram(metrics);
  const info = infoGauge(metrics);
  return { ...deadLetters, ...perEvent, ...lag, transactions, ...lineage, ...batches, transactionDuration, info };
}

function deadLetterMetrics(metrics: Metrics): Pick<ProcessorMetrics, 'recordsDeadLettered' | 'countDeadLettered'> {
  const recordsDeadLettered = metrics.counter({
    name: PROCESSOR_METRICS.recordsDeadLettered,
    help: 'Records written to the dead letter topic, by reason code.',
    labelNames: ['reason'] as const,
  });
  // Zero series for every reason, so dashboards and rate() alerts see 0 rather than "no data".
  for (const reason of REASON_CODES) recordsDeadLettered.inc({ reason }, 0);
  return {
    recordsDeadLettered,
    countDeadLettered: (reason, count = 1) => recordsDeadLettered.inc({ reason }, count),
  };
}

/** What was processed (by bounded labels) and how late. */
function eventMetrics(
  metrics: Metrics,
): Pick<ProcessorMetrics, 'events' | 'countEvents' | 'eventLatency' | 'observeLatencyMs'> {
  const events = metrics.counter({
    name: PROCESSOR_METRICS.events,
    help: 'Processed events by device type, app version and locale (values outside a bounded set are "other").',
    labelNames: ['device_type', 'app_version', 'locale'] as const,
  });
  const labelsOf = eventLabeller();
  const eventLatency = metrics.histogram({
    name: PROCESSOR_METRICS.eventLatency,
    help: 'Seconds from the event time to its processing.',
    buckets: LATENCY_BUCKETS,
  });
  return {
    events,
    countEvents: (batch) => countEventsPerSeries(events, labelsOf, batch),
    eventLatency,
    observeLatencyMs: (latencyMs) => eventLatency.observe(Math.max(0, latencyMs) / 1000),
  };
}

type EventSeries = Record<'device_type' | 'app_version' | 'locale', string>;

/** Each call has its own first-distinct-values sets: two registries never share a bound. */
function eventLabeller(): (event: EventLabels) => EventSeries {
  const deviceType = boundedLabel(DEVICE_TYPE_LABELS);
  // Events reach here validated; the shapes are checked again because a label is exported to every scraper.
  const appVersion = boundedLabel({ max: MAX_DISTINCT_APP_VERSIONS, accept: isAppVersion });
  const locale = boundedLabel({ max: MAX_DISTINCT_LOCALES, accept: isLocale });
  return (event) => ({
    device_type: deviceType(event.device_type ?? 'unknown'),
    app_version: appVersion(event.app_version),
    locale: locale(event.locale),
  });
}

function countEventsPerSeries(
  events: Counter<keyof EventSeries>,
  labelsOf: (event: EventLabels) => EventSeries,
  batch: Iterable<EventLabels>,
): void {
  // prom-client hashes the label set on every inc(): aggregate first, inc once per series.
  const counts = new Map<string, { labels: EventSeries; n: number }>();
  for (const event of batch) {
    const labels = labelsOf(event);
    const key = `${labels.device_type}\u0000${labels.app_version}\u0000${labels.locale}`;
    const entry = counts.get(key);
    if (entry) entry.n += 1;
    else counts.set(key, { labels, n: 1 });
  }
  for (const { labels, n } of counts.values()) events.inc(labels, n);
}

function consumerLagMetrics(metrics: Metrics): Pick<ProcessorMetrics, 'consumerLag' | 'setConsumerLag'> {
  const consumerLag = metrics.gauge({
    name: PROCESSOR_METRICS.consumerLag,
    help: 'Records between the committed offset and the end of the partition.',
    labelNames: ['topic', 'partition'] as const,
  });
  return {
    consumerLag,
    setConsumerLag: (topic, partition, lag) => consumerLag.set({ topic, partition: String(partition) }, lag),
  };
}

function transactionCounter(metrics: Metrics): ProcessorMetrics['transactions'] {
  const transactions = metrics.counter({
    name: PROCESSOR_METRICS.transactions,
    help: 'Transactions of the exactly_once guarantee, by result: committed or aborted (then redone).',
    labelNames: ['result'] as const,
  });
  for (const result of ['committed', 'aborted']) transactions.inc({ result }, 0);
  return transactions;
}

function untrustedLineageMetrics(
  metrics: Metrics,
): Pick<ProcessorMetrics, 'untrustedLineage' | 'countUntrustedLineage'> {
  // The label is one of three fixed codes, never header content: a forger cannot create series.
  const untrustedLineage = metrics.counter({
    name: PROCESSOR_METRICS.untrustedLineage,
    help: 'Records carrying a well-formed replay lineage whose signature did not verify (processed as fresh records), by reason: missing-signature, unknown-key, bad-signature.',
    labelNames: ['reason'] as const,
  });
  for (const reason of LINEAGE_REJECTIONS) untrustedLineage.inc({ reason }, 0);
  return {
    untrustedLineage,
    countUntrustedLineage: (reason, count = 1) => untrustedLineage.inc({ reason }, count),
  };
}

/** Records in and out, and how long a batch of them took. */
function batchMetrics(
  metrics: Metrics,
): Pick<ProcessorMetrics, 'recordsConsumed' | 'recordsProcessed' | 'batchDuration'> {
  return {
    recordsConsumed: metrics.counter({
      name: PROCESSOR_METRICS.recordsConsumed,
      help: 'Records fetched from the input topic.',
    }),
    recordsProcessed: metrics.counter({
      name: PROCESSOR_METRICS.recordsProcessed,
      help: 'Records written to the output topic.',
    }),
    batchDuration: metrics.histogram({
      name: PROCESSOR_METRICS.batchDuration,
      help: 'Seconds to process one batch, from fetch to commit.',
      buckets: BATCH_BUCKETS,
    }),
  };
}

const transactionDurationHistogram = (metrics: Metrics): Histogram =>
  metrics.histogram({
    name: PROCESSOR_METRICS.transactionDuration,
    help: 'Seconds of one transaction (exactly_once): sends, offsets and commit, or until it was aborted.',
    buckets: TRANSACTION_BUCKETS,
  });

const infoGauge = (metrics: Metrics): ProcessorMetrics['info'] =>
  metrics.gauge({
    name: PROCESSOR_METRICS.info,
    help: 'Always 1; the labels tell how the processor runs (guarantee: at_least_once or exactly_once).',
    labelNames: ['guarantee'] as const,
  });
