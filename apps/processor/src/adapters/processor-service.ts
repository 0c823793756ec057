import type { ProcessedLoginEvent, ReasonCode } from '@login/event-schema';
import type { Clock } from '@login/enrichment';
import { DEFAULT_MAX_BATCH_BYTES } from '@login/kafka';
import type {
  AdminClient,
  BatchConsumer,
  ChunkInfo,
  ConsumedRecord,
  KafkaClient,
  ProcessingGuarantee,
  Readiness,
  TransformResult,
} from '@login/kafka';
import type { Logger, ProcessorMetrics } from '@login/observability';
import { deadLetterOutsideGuard, processBatch } from '../core/process-batch';
import type { Outcome, ProcessDeps } from '../core/process-batch';
import { PeriodicSummary } from '../core/periodic-summary';
import type { SummarySnapshot } from '../core/periodic-summary';
import { isIdle, renderSummaryTable } from '../core/summary-table';

export interface ProcessorServiceOptions {
  readonly client: KafkaClient;
  readonly logger: Logger;
  readonly metrics: ProcessorMetrics;
  readonly clock: Clock;
  readonly inputTopic: string;
  readonly group: string;
  /** Everything the pure core needs except the clock reading (per chunk) and the DLQ's limit (read at start). */
  readonly core: Omit<ProcessDeps, 'nowMs' | 'dlqMaxMessageBytes'>;
  readonly summaryIntervalMs: number;
  /** `table`: the summary as aligned lines for a person (LOG_FORMAT=pretty); `json`: one structured field. */
  readonly summaryFormat?: 'json' | 'table';
  readonly maxRecordsPerChunk: number;
  readonly maxBytesPerPartition: number;
  readonly partitionsConsumedConcurrently: number;
  readonly stopTimeoutMs: number;
  readonly guarantee: ProcessingGuarantee;
  /** Group membership timing, ms, under the names libs/kafka and kafkajs use (default: libs/kafka's). */
  readonly sessionTimeout?: number;
  readonly heartbeatInterval?: number;
  readonly rebalanceTimeout?: number;
  /** How long start() waits for the DLQ topic's max.message.bytes before assuming the broker default. */
  readonly topicConfigTimeoutMs?: number;
}

/**
 * Kafka's default max.message.bytes (message.max.bytes), assumed when the DLQ topic's own cannot be read (no
 * DescribeConfigs permission, broker away at start): it only makes reference dead letters more likely.
 */
export const ASSUMED_MAX_MESSAGE_BYTES = 1_048_588;

/**
 * Produce requests carry at most this share of the DLQ limit per partition (uncompressed), so several dead letters
 * batched together fit the DLQ whatever their compression ratio.
 */
const BATCH_SHARE_OF_DLQ_LIMIT = 0.75;

/**
 * The processor at run time: the commit-after-ack batch runner around the pure core, with metrics, the periodic
 * summary and consumer lag. Metrics count a chunk once, when it is committed (a retried chunk is transformed again).
 */
export class ProcessorService {
  private readonly summary: PeriodicSummary;
  private readonly lag = new Map<string, number>();
  private readonly admin: AdminClient;
  private consumer: BatchConsumer | undefined;
  private dlqMaxMessageBytes = ASSUMED_MAX_MESSAGE_BYTES;
  private timer: NodeJS.Timeout | undefined;
  private adminConnected = false;
  private idle = false;
  private stopped = false;
  private readonly stoppedOrFailed: Promise<void>;
  private settle: { resolve: () => void; reject: (err: unknown) => void } | undefined;

  constructor(private readonly options: ProcessorServiceOptions) {
    this.summary = new PeriodicSummary(options.clock.now());
    this.admin = options.client.admin();
    this.stoppedOrFailed = new Promise<void>((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    options.metrics.info.set({ guarantee: options.guarantee }, 1);
  }

  /** The runner is built at start, once the DLQ's limit is known: its produce requests are sized by it. */
  private createConsumer(): BatchConsumer {
    const { options } = this;
    const log = options.logger;
    return options.client.batchConsumer({
      groupId: options.group,
      guarantee: options.guarantee,
      topics: [options.inputTopic],
      fromBeginning: true,
      transform: (records) => this.transform(records),
      // processBatch never throws; should a bug make it, the record is dead-lettered, never retried forever.
      onTransformError: (record, err) => deadLetterOutsideGuard(record, err, this.coreDeps()),
      logger: log.child({ component: 'kafka.batch-consumer' }),
      maxRecordsPerChunk: options.maxRecordsPerChunk,
      maxBytesPerPartition: options.maxBytesPerPartition,
      partitionsConsumedConcurrently: options.partitionsConsumedConcurrently,
      stopTimeoutMs: options.stopTimeoutMs,
      // Left out, the runner's defaults apply (it treats undefined as left out).
      sessionTimeout: options.sessionTimeout,
      heartbeatInterval: options.heartbeatInterval,
      rebalanceTimeout: options.rebalanceTimeout,
      producerOptions: {
        // A dead letter is its input byte for byte, and an input can be far larger decompressed than on the wire.
        compressionByTopic: { [options.core.dlqTopic]: 'gzip' },
        maxBatchBytes: Math.max(
          1024,
          Math.min(DEFAULT_MAX_BATCH_BYTES, Math.floor(this.dlqMaxMessageBytes * BATCH_SHARE_OF_DLQ_LIMIT)),
        ),
      },
      // Readiness changes and retries are logged by the runner itself, once each.
      hooks: {
        onChunk: (info) => this.committed(info),
        onTransaction: (result, durationMs) => {
          options.metrics.transactions.inc({ result });
          options.metrics.transactionDuration.observe(durationMs / 1000);
        },
      },
    });
  }

  /** Rejects when the consumer stopped on a non-retriable error. */
  get done(): Promise<void> {
    return this.stoppedOrFailed;
  }

  isReady(): Readiness {
    return this.consumer?.isReady() ?? { ready: false, reasons: ['starting'] };
  }

  async start(): Promise<void> {
    this.dlqMaxMessageBytes = await this.readDlqLimit();
    if (this.stopped) return;
    const consumer = this.createConsumer();
    this.consumer = consumer;
    consumer.done.then(
      () => this.settle?.resolve(),
      (err: unknown) => this.settle?.reject(err),
    );
    await consumer.start();
    this.timer = setInterval(() => void this.logSummary(), this.options.summaryIntervalMs);
    this.timer.unref();
  }

  /** Stops fetching, lets the in-flight chunk be produced and committed, then disconnects. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.consumer) await this.consumer.stop();
    else this.settle?.resolve();
    if (this.adminConnected)
      await this.admin
        .disconnect()
        .catch((err: unknown) => this.options.logger.debug('admin disconnect failed', { error: err }));
  }

  /** The DLQ topic's max.message.bytes, or the broker default when it cannot be read in time (with a warning). */
  private async readDlqLimit(): Promise<number> {
    const topic = this.options.core.dlqTopic;
    const timeoutMs = this.options.topicConfigTimeoutMs ?? 15_000;
    let timer: NodeJS.Timeout | undefined;
    try {
      const read = (async () => {
        await this.connectAdmin();
        return this.admin.maxMessageBytes(topic);
      })();
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      });
      const value = Number(await Promise.race([read, timeout]));
      if (!Number.isSafeInteger(value) || value <= 0)
        throw new Error('max.message.bytes missing or not a positive integer');
      this.options.logger.info('dead letter topic limit', { topic, maxMessageBytes: value });
      return value;
    } catch (err) {
      this.options.logger.warn(
        "could not read the dead letter topic's max.message.bytes; assuming the broker default",
        {
          topic,
          assumedMaxMessageBytes: ASSUMED_MAX_MESSAGE_BYTES,
          error: err,
        },
      );
      return ASSUMED_MAX_MESSAGE_BYTES;
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  private async connectAdmin(): Promise<void> {
    if (this.adminConnected) return;
    await this.admin.connect();
    this.adminConnected = true;
  }

  /** The final summary, without a lag query (the consumer is gone). */
  finalSummary(): SummarySnapshot {
    return this.summary.snapshot(this.options.clock.now(), this.lag);
  }

  private coreDeps(): ProcessDeps {
    return { ...this.options.core, dlqMaxMessageBytes: this.dlqMaxMessageBytes, nowMs: this.options.clock.now() };
  }

  private transform(records: readonly ConsumedRecord[]): TransformResult<Outcome> {
    const result = processBatch(records, this.coreDeps());
    if (this.options.logger.isLevelEnabled('debug')) this.logDeadLetters(records, result.outcomes);
    return result;
  }

  /** A committed chunk, with the outcomes its transform gave: metrics, lag and the summary count it now. */
  private committed(info: ChunkInfo<Outcome>): void {
    const { metrics } = this.options;
    const events: ProcessedLoginEvent[] = [];
    const deadLettered = new Map<ReasonCode, number>();
    for (const outcome of info.outcomes) {
      if (outcome.untrustedLineage !== undefined) metrics.countUntrustedLineage(outcome.untrustedLineage);
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
        // Coordinates, reason, stage and what was left out only: the value is raw, unvalidated input.
        this.options.logger.debug('dead-lettered', {
          topic: record.topic,
          partition: record.partition,
          offset: record.offset,
          reason: outcome.reason,
          stage: outcome.stage,
          ...(outcome.omitted ? { omitted: outcome.omitted } : {}),
        });
      }
    });
  }

  private async refreshLag(): Promise<void> {
    try {
      await this.connectAdmin();
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
    const snapshot = this.summary.snapshot(this.options.clock.now(), this.lag);
    // An idle pipeline says so once, not every interval.
    if (isIdle(snapshot)) {
      if (!this.idle) this.options.logger.info('idle: nothing consumed since the last summary, no lag');
      this.idle = true;
      return;
    }
    this.idle = false;
    if (this.options.summaryFormat === 'table') this.options.logger.info(`summary\n${renderSummaryTable(snapshot)}`);
    else this.options.logger.info('summary', { summary: snapshot });
  }
}
