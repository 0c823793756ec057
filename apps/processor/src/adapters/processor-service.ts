import type { ProcessedLoginEvent, ReasonCode } from '@login/event-schema';
import type { Clock } from '@login/enrichment';
import { runBatchConsumer } from '@login/kafka';
import type { AdminClient, BatchConsumer, ChunkInfo, ConsumedRecord, KafkaClient, ProcessingGuarantee, TransformResult } from '@login/kafka';
import type { Logger, ProcessorMetrics } from '@login/observability';
import { processBatch } from '../core/process-batch';
import type { Outcome, ProcessDeps } from '../core/process-batch';
import { RunSummary } from '../core/run-summary';
import type { SummarySnapshot } from '../core/run-summary';

export interface ProcessorServiceOptions {
  readonly client: KafkaClient;
  readonly logger: Logger;
  readonly metrics: ProcessorMetrics;
  readonly clock: Clock;
  readonly inputTopic: string;
  readonly group: string;
  /** Everything the pure core needs except the clock reading, which is taken per chunk. */
  readonly core: Omit<ProcessDeps, 'nowMs'>;
  readonly summaryIntervalMs: number;
  readonly maxRecordsPerChunk: number;
  readonly maxBytesPerPartition: number;
  readonly partitionsConsumedConcurrently: number;
  readonly stopTimeoutMs: number;
  readonly guarantee: ProcessingGuarantee;
  /** Group membership timing, ms. */
  readonly sessionTimeoutMs?: number;
  readonly heartbeatIntervalMs?: number;
  readonly rebalanceTimeoutMs?: number;
}

/**
 * The processor at run time: the commit-after-ack batch runner around the pure core, with metrics, the periodic
 * summary and consumer lag. Metrics count a chunk once, when it is committed (a retried chunk is transformed again).
 */
export class ProcessorService {
  private readonly summary: RunSummary;
  private readonly lag = new Map<string, number>();
  private readonly admin: AdminClient;
  private readonly consumer: BatchConsumer;
  private timer: NodeJS.Timeout | undefined;
  private adminConnected = false;

  constructor(private readonly options: ProcessorServiceOptions) {
    this.summary = new RunSummary(options.clock.now());
    this.admin = options.client.admin();
    const log = options.logger;
    this.consumer = runBatchConsumer({
      client: options.client,
      groupId: options.group,
      guarantee: options.guarantee,
      topics: [options.inputTopic],
      fromBeginning: true,
      transform: (records) => this.transform(records),
      logger: log.child({ component: 'kafka.batch-consumer' }),
      maxRecordsPerChunk: options.maxRecordsPerChunk,
      maxBytesPerPartition: options.maxBytesPerPartition,
      partitionsConsumedConcurrently: options.partitionsConsumedConcurrently,
      stopTimeoutMs: options.stopTimeoutMs,
      ...(options.sessionTimeoutMs === undefined ? {} : { sessionTimeout: options.sessionTimeoutMs }),
      ...(options.heartbeatIntervalMs === undefined ? {} : { heartbeatInterval: options.heartbeatIntervalMs }),
      ...(options.rebalanceTimeoutMs === undefined ? {} : { rebalanceTimeout: options.rebalanceTimeoutMs }),
      // Readiness changes and retries are logged by the runner itself, once each.
      hooks: {
        onChunk: (info) => this.committed(info),
        onTransaction: (result, durationMs) => {
          options.metrics.transactions.inc({ result });
          options.metrics.transactionDuration.observe(durationMs / 1000);
        },
      },
    });
    options.metrics.info.set({ guarantee: options.guarantee }, 1);
  }

  /** Rejects when the consumer stopped on a non-retriable error. */
  get done(): Promise<void> {
    return this.consumer.done;
  }

  isReady() {
    return this.consumer.isReady();
  }

  async start(): Promise<void> {
    await this.consumer.start();
    this.timer = setInterval(() => void this.logSummary(), this.options.summaryIntervalMs);
    this.timer.unref();
  }

  /** Stops fetching, lets the in-flight chunk be produced and committed, then disconnects. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.consumer.stop();
    if (this.adminConnected) await this.admin.disconnect().catch(() => undefined);
  }

  /** The final summary, without a lag query (the consumer is gone). */
  finalSummary(): SummarySnapshot {
    return this.summary.snapshot(this.options.clock.now(), this.lag);
  }

  private transform(records: readonly ConsumedRecord[]): TransformResult<Outcome> {
    const result = processBatch(records, { ...this.options.core, nowMs: this.options.clock.now() });
    if (this.options.logger.isLevelEnabled('debug')) this.logDeadLetters(records, result.outcomes);
    return result;
  }

  /** A committed chunk, with the outcomes its transform gave: metrics, lag and the summary count it now. */
  private committed(info: ChunkInfo<Outcome>): void {
    const { metrics } = this.options;
    const events: ProcessedLoginEvent[] = [];
    const deadLettered = new Map<ReasonCode, number>();
    for (const outcome of info.outcomes) {
      if (outcome.kind === 'processed') {
        events.push(outcome.event);
        metrics.observeLatencyMs(outcome.event.latency_ms);
      } else {
        deadLettered.set(outcome.reason, (deadLettered.get(outcome.reason) ?? 0) + 1);
      }
    }
    metrics.countEvents(events);
    for (const [reason, n] of deadLettered) metrics.countDeadLettered(reason, n);
    metrics.recordsConsumed.inc(info.outcomes.length);
    metrics.recordsProcessed.inc(events.length);
    metrics.batchDuration.observe(info.durationMs / 1000);
    metrics.setConsumerLag(info.topic, info.partition, info.lag);
    this.lag.set(String(info.partition), info.lag);
    this.summary.record(info.outcomes);
  }

  private logDeadLetters(records: readonly ConsumedRecord[], outcomes: readonly Outcome[]): void {
    outcomes.forEach((outcome, i) => {
      const record = records[i];
      if (outcome.kind === 'dead-lettered' && record) {
        // Coordinates and reason only: the value is raw, unvalidated input.
        this.options.logger.debug('dead-lettered', { topic: record.topic, partition: record.partition, offset: record.offset, reason: outcome.reason });
      }
    });
  }

  private async refreshLag(): Promise<void> {
    try {
      if (!this.adminConnected) {
        await this.admin.connect();
        this.adminConnected = true;
      }
      for (const p of await this.admin.consumerLag(this.options.group, this.options.inputTopic)) {
        const lag = Number(p.lag);
        this.lag.set(String(p.partition), lag);
        this.options.metrics.setConsumerLag(this.options.inputTopic, p.partition, lag);
      }
    } catch (err) {
      this.options.logger.debug('consumer lag unavailable', { error: err });
    }
  }

  private async logSummary(): Promise<void> {
    await this.refreshLag();
    this.options.logger.info('summary', { summary: this.summary.snapshot(this.options.clock.now(), this.lag) });
  }
}
