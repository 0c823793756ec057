// The batch consumer runner (commit after acknowledgement): the kafkajs side. kafkajs fetches batches as a group
// member; each batch is cut into chunks that go through the chunk pipeline (chunk-pipeline.ts: transform, send with
// a per-partition acknowledgement, commit). This file owns start, stop and the fatal path, like kafkajs's runner;
// its collaborators come in the constructor (create-batch-consumer.ts makes them). eachBatch and the commit calls
// are in batch-handler.ts, the group events in group-events.ts, the options in consumer-options.ts, what is
// connected before the join and closed on stop in runner-connections.ts, the per-partition queue and the hook guard
// in files of their own.
import type { Consumer, Kafka } from 'kafkajs';
import type { Sleeper } from '../backoff';
import { describeError, KafkaAdapterError, toAdapterError } from '../errors';
import type { LoggerLike, RetryPolicy } from '../options';
import type { RecordProducer } from '../producer/record-producer';
import {
  BATCH_CONSUMER_DEFAULTS,
  kafkajsConsumerConfig,
  kafkajsRunConfig,
  kafkajsSubscription,
} from './consumer-options';
import { Assignment, onGroupEvents } from './group-events';
import type { HookGuard } from './hook-guard';
import { BatchHandler } from './batch-handler';
import type { PartitionTransactions } from './partition-transactions';
import { ReadinessTracker } from './readiness';
import { RunnerConnections } from './runner-connections';
import type { BatchConsumerOptions } from './types';

export const BATCH_CONSUMER_COMPONENT = 'kafka.batch-consumer';
const COMPONENT = BATCH_CONSUMER_COMPONENT;

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
  private readonly connections: RunnerConnections;
  private readonly transactions: PartitionTransactions | undefined;
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
    this.consumer = c.kafka.consumer(kafkajsConsumerConfig(options, async () => !this.stopping && !this.fatal));
    this.connections = new RunnerConnections({ ...c, consumer: this.consumer, logger, groupId, component: COMPONENT });
    this.transactions =
      options.guarantee === 'exactly_once' ? this.connections.partitionTransactions(options) : undefined;
    this.readiness = new ReadinessTracker({
      // exactly_once: the partitions' transactional producers report trouble as retrying partitions.
      producerConnected: () => this.transactions !== undefined || c.producer.isConnected(),
      onChange: (ready, reason) => {
        logger.info(ready ? 'ready' : 'not ready', { component: COMPONENT, groupId, ...(ready ? {} : { reason }) });
        c.guard('onReadyChange', () => hooks.onReadyChange?.(ready, reason));
      },
    });
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
    const { options, consumer } = this;
    try {
      await this.connections.connectBeforeJoin(this.transactions !== undefined);
      await consumer.connect();
      await consumer.subscribe(kafkajsSubscription(options));
      this.started = true;
      await consumer.run(kafkajsRunConfig(options, (payload) => this.handler.eachBatch(payload)));
    } catch (err) {
      this.started = false;
      await this.connections.disconnectAfterFailedStart();
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
    const outcome = await Promise.race([
      this.connections.disconnectAll(this.transactions).then(() => 'done' as const),
      timeout,
    ]);
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
}
