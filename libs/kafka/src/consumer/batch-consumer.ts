// The batch consumer runner (commit after acknowledgement): the kafkajs side. kafkajs fetches batches as a group
// member; each batch is cut into chunks that go through the chunk pipeline (chunk-pipeline.ts: transform, send with
// a per-partition acknowledgement, commit). This file owns start, stop and the fatal path; eachBatch and the commit
// calls are in batch-handler.ts, the group events in group-events.ts, the options in consumer-options.ts, the
// per-partition queue and the hook guard in files of their own.
import type { Consumer, Kafka } from 'kafkajs';
import { createAdminClient, type AdminClient } from '../admin';
import { createSleeper, type Sleeper } from '../backoff';
import { describeError, KafkaAdapterError, toAdapterError } from '../errors';
import { resolveRetryPolicy, type LoggerLike, type RetryPolicy } from '../options';
import { createTransactionalProducer } from '../producer/transactional-producer';
import { createRecordProducer, type RecordProducer } from '../producer/record-producer';
import {
  BATCH_CONSUMER_DEFAULTS,
  kafkajsConsumerConfig,
  partitionProducerOptions,
  validateBatchConsumerOptions,
} from './consumer-options';
import { Assignment, onGroupEvents } from './group-events';
import { createHookGuard, type HookGuard } from './hook-guard';
import { BatchHandler } from './batch-handler';
import { PartitionTransactions } from './partition-transactions';
import { ReadinessTracker } from './readiness';
import type { BatchConsumer, BatchConsumerOptions } from './types';

const COMPONENT = 'kafka.batch-consumer';

/** What the runner works with, made by createBatchConsumer (kafkajs's runner likewise gets its collaborators). */
export interface RunnerCollaborators {
  readonly kafka: Kafka;
  /** The client's logger, for the exactly_once partitions' transactional producers. */
  readonly clientLogger: LoggerLike;
  /** at_least_once sends through one idempotent producer; exactly_once through one transactional producer per partition. */
  readonly producer: RecordProducer;
  /** Whether the runner made the producer, and so disconnects it. */
  readonly ownProducer: boolean;
  readonly sleeper: Sleeper;
  readonly guard: HookGuard;
  readonly retry: RetryPolicy;
}

export class BatchConsumerRunner<O> {
  readonly done: Promise<void>;
  private readonly consumer: Consumer;
  private readonly handler: BatchHandler<O>;
  private readonly readiness: ReadinessTracker;
  private readonly assignment = new Assignment();
  private readonly transactions: PartitionTransactions | undefined;
  // exactly_once: the group's committed offsets are read after each initTransactions (partition-transactions.ts).
  private admin: AdminClient | undefined;
  private settleDone: { resolve: () => void; reject: (e: Error) => void } | undefined;
  private started = false;
  private stopping = false;
  private stopped: Promise<void> | undefined;
  private fatal: KafkaAdapterError | undefined;

  constructor(
    private readonly options: BatchConsumerOptions<O>,
    private readonly c: RunnerCollaborators,
  ) {
    const { logger, groupId, hooks = {} } = options;
    this.done = new Promise<void>((resolve, reject) => {
      this.settleDone = { resolve, reject };
    });
    // A caller may use only stop() and never look at `done`: a fatal error is also logged and reported through
    // onFatal, so an unobserved rejection must not crash the process.
    this.done.catch((err: unknown) =>
      logger.debug('batch consumer done with an error', { component: COMPONENT, groupId, ...describeError(err) }),
    );
    this.transactions = options.guarantee === 'exactly_once' ? this.partitionTransactions() : undefined;
    this.readiness = new ReadinessTracker({
      // exactly_once: the partitions' transactional producers report trouble as retrying partitions.
      producerConnected: () => this.transactions !== undefined || c.producer.isConnected(),
      onChange: (ready, reason) => {
        logger.info(ready ? 'ready' : 'not ready', { component: COMPONENT, groupId, ...(ready ? {} : { reason }) });
        c.guard('onReadyChange', () => hooks.onReadyChange?.(ready, reason));
      },
    });
    this.consumer = c.kafka.consumer(kafkajsConsumerConfig(options, async () => !this.stopping && !this.fatal));
    this.handler = new BatchHandler(options, {
      ...c,
      consumer: this.consumer,
      transactions: this.transactions,
      assignment: this.assignment,
      readiness: this.readiness,
      isFatal: () => this.fatal !== undefined,
      fail: (error) => this.fail(error),
    });
    onGroupEvents({
      consumer: this.consumer,
      assignment: this.assignment,
      readiness: this.readiness,
      transactions: this.transactions,
      logger,
      groupId,
      component: COMPONENT,
      isStopping: () => this.stopping,
      isFatal: () => this.fatal !== undefined,
      fail: (error) => this.fail(error),
      commitPastControlRecords: (topic, partition, offset) =>
        this.handler.commitPastControlRecords(topic, partition, offset),
    });
  }

  isReady() {
    return this.readiness.current();
  }

  async start(): Promise<void> {
    if (this.started) return;
    if (this.stopping || this.fatal)
      throw new KafkaAdapterError('a stopped batch consumer cannot be restarted', { code: 'STOPPED', canRetry: false });
    const { options, consumer, c } = this;
    try {
      if (this.transactions) {
        const a = createAdminClient(c.kafka);
        await a.connect();
        this.admin = a;
      } else if (!c.producer.isConnected()) {
        await c.producer.connect();
      }
      await consumer.connect();
      await consumer.subscribe({
        topics: [...options.topics],
        fromBeginning: options.fromBeginning ?? BATCH_CONSUMER_DEFAULTS.fromBeginning,
      });
      this.started = true;
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently:
          options.partitionsConsumedConcurrently ?? BATCH_CONSUMER_DEFAULTS.partitionsConsumedConcurrently,
        eachBatch: (payload) => this.handler.eachBatch(payload),
      });
    } catch (err) {
      this.started = false;
      await this.disconnectAfterFailedStart();
      throw toAdapterError(err, 'batch consumer start failed');
    }
    this.readiness.setStarted(true);
  }

  stop(): Promise<void> {
    if (!this.stopped) {
      this.stopping = true;
      this.readiness.setStopping();
      this.c.sleeper.wakeAll();
      this.stopped = this.shutdown().then(() => {
        if (this.fatal) this.settleDone?.reject(this.fatal);
        else this.settleDone?.resolve();
      });
    }
    return this.stopped;
  }

  /** Stops everything after a non-retriable error; nothing past an unacknowledged record was committed. */
  private fail(error: KafkaAdapterError): void {
    if (this.fatal) return;
    this.fatal = error;
    this.options.logger.error('batch consumer stopped by a non-retriable error', {
      component: COMPONENT,
      groupId: this.options.groupId,
      code: error.code,
      ...describeError(error),
    });
    this.readiness.setFatal(error.code);
    this.c.guard('onFatal', () => this.options.hooks?.onFatal?.(error));
    this.c.sleeper.wakeAll();
    // Not awaited: this may run inside eachBatch, and the consumer's stop waits for eachBatch to return.
    void this.shutdown().then(
      () => this.settleDone?.reject(error),
      () => this.settleDone?.reject(error),
    );
  }

  private async shutdown(): Promise<void> {
    const { logger, groupId } = this.options;
    const stopTimeoutMs = this.options.stopTimeoutMs ?? BATCH_CONSUMER_DEFAULTS.stopTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), stopTimeoutMs);
    });
    const outcome = await Promise.race([this.disconnectAll().then(() => 'done' as const), timeout]);
    clearTimeout(timer);
    if (outcome === 'timeout')
      logger.warn('stop timed out; uncommitted records will be redelivered', {
        component: COMPONENT,
        groupId,
        stopTimeoutMs,
      });
    this.assignment.clear();
    this.readiness.setJoined(false);
  }

  private async disconnectAll(): Promise<void> {
    const { logger, groupId } = this.options;
    // disconnect() stops the runner first, which waits for the in-flight eachBatch: the chunk being processed
    // is sent and committed, the rest of its batch is left for the next owner of the partition.
    await this.consumer
      .disconnect()
      .catch((err: unknown) =>
        logger.warn('consumer disconnect failed', { component: COMPONENT, groupId, ...describeError(err) }),
      );
    await this.transactions?.closeAll();
    await this.admin
      ?.disconnect()
      .catch((err: unknown) =>
        logger.debug('admin disconnect failed', { component: COMPONENT, groupId, ...describeError(err) }),
      );
    if (this.c.ownProducer) await this.c.producer.disconnect();
  }

  private async disconnectAfterFailedStart(): Promise<void> {
    const { logger, groupId } = this.options;
    const meta = (e: unknown) => ({ component: COMPONENT, groupId, ...describeError(e) });
    await this.consumer
      .disconnect()
      .catch((e: unknown) => logger.debug('disconnect after a failed start failed', meta(e)));
    await this.admin
      ?.disconnect()
      .catch((e: unknown) => logger.debug('admin disconnect after a failed start failed', meta(e)));
    if (this.c.ownProducer) await this.c.producer.disconnect();
  }

  /** exactly_once: a transactional producer per input partition, reading the group's committed offsets. */
  private partitionTransactions(): PartitionTransactions {
    const { options, c } = this;
    return new PartitionTransactions(options.groupId, {
      create: (transactionalId) =>
        createTransactionalProducer(c.kafka, c.clientLogger, partitionProducerOptions(options, transactionalId)),
      committedOffset: async (topic, partition) => {
        if (!this.admin) throw new KafkaAdapterError('not started', { code: 'NOT_CONNECTED', canRetry: true });
        return (await this.admin.committedOffsets(options.groupId, topic)).get(partition) ?? null;
      },
    });
  }
}

/** Made by KafkaClient.batchConsumer; `clientLogger` is the client's (the runner logs to `options.logger`). */
export function createBatchConsumer<O>(
  kafka: Kafka,
  clientLogger: LoggerLike,
  options: BatchConsumerOptions<O>,
): BatchConsumer {
  validateBatchConsumerOptions(options);
  const retry = resolveRetryPolicy(options.retry);
  const runner = new BatchConsumerRunner(options, {
    kafka,
    clientLogger,
    producer: options.producer ?? createRecordProducer(kafka, clientLogger, options.producerOptions ?? {}),
    ownProducer: options.producer === undefined,
    sleeper: createSleeper(),
    guard: createHookGuard(options.logger, COMPONENT),
    retry,
  });
  return {
    start: () => runner.start(),
    stop: () => runner.stop(),
    isReady: () => runner.isReady(),
    done: runner.done,
  };
}
