// The batch consumer runner (commit after acknowledgement): the kafkajs side. kafkajs fetches batches as a group
// member; each batch is cut into chunks that go through the chunk pipeline (chunk-pipeline.ts: transform, send with
// a per-partition acknowledgement, commit). This file owns what only kafkajs knows: membership and assignment,
// the commit call, batches that hold nothing but control records, start and stop.
import type { Consumer, EachBatchPayload } from 'kafkajs';
import { createSleeper } from '../backoff';
import { clientInternals } from '../client';
import { describeError, KafkaAdapterError, toAdapterError } from '../errors';
import { resolveRetryPolicy } from '../options';
import type { AdminClient } from '../admin';
import { createTransactionalProducer } from '../producer/transactional-producer';
import { chunk, offsetAfter, toConsumedRecord } from '../records';
import {
  BATCH_CONSUMER_DEFAULTS,
  kafkajsConsumerConfig,
  partitionProducerOptions,
  validateBatchConsumerOptions,
} from './consumer-options';
import { heartbeatOrRejoin, processChunk, type ChunkContext, type ChunkResult } from './chunk-pipeline';
import { Assignment, onGroupEvents, tpKey } from './group-events';
import { createHookGuard } from './hook-guard';
import { PartitionQueue } from './partition-queue';
import { PartitionTransactions } from './partition-transactions';
import { ReadinessTracker } from './readiness';
import { processChunkInTransaction } from './transactional-chunk';
import type { BatchConsumer, BatchConsumerOptions } from './types';

const COMPONENT = 'kafka.batch-consumer';

export function runBatchConsumer<O>(options: BatchConsumerOptions<O>): BatchConsumer {
  validateBatchConsumerOptions(options);
  const maxRecordsPerChunk = options.maxRecordsPerChunk ?? BATCH_CONSUMER_DEFAULTS.maxRecordsPerChunk;
  const retry = resolveRetryPolicy(options.retry);
  const stopTimeoutMs = options.stopTimeoutMs ?? BATCH_CONSUMER_DEFAULTS.stopTimeoutMs;
  const { kafka } = clientInternals(options.client);
  const { logger, hooks = {}, groupId } = options;
  const exactlyOnce = options.guarantee === 'exactly_once';
  const ownProducer = options.producer === undefined;
  // at_least_once sends through one idempotent producer; exactly_once through one transactional producer per partition.
  const producer = options.producer ?? options.client.producer(options.producerOptions);
  const sleeper = createSleeper();
  const assignment = new Assignment();
  // exactly_once: the group's committed offsets are read after each initTransactions (partition-transactions.ts).
  let admin: AdminClient | undefined;
  const transactions = exactlyOnce
    ? new PartitionTransactions(groupId, {
        create: (transactionalId) =>
          createTransactionalProducer(options.client, partitionProducerOptions(options, transactionalId)),
        committedOffset: async (topic, partition) => {
          if (!admin) throw new KafkaAdapterError('not started', { code: 'NOT_CONNECTED', canRetry: true });
          return (await admin.committedOffsets(groupId, topic)).get(partition) ?? null;
        },
      })
    : undefined;
  // exactly_once: one transaction at a time per partition (a chunk, or a commit past control records).
  const partitionQueue = new PartitionQueue();
  let stopping = false;
  let fatal: KafkaAdapterError | undefined;

  let settleDone: { resolve: () => void; reject: (e: Error) => void } | undefined;
  const done = new Promise<void>((resolve, reject) => {
    settleDone = { resolve, reject };
  });
  // A caller may use only stop() and never look at `done`: a fatal error is also logged and reported through
  // onFatal, so an unobserved rejection must not crash the process.
  done.catch((err: unknown) =>
    logger.debug('batch consumer done with an error', { component: COMPONENT, groupId, ...describeError(err) }),
  );

  const guard = createHookGuard(logger, COMPONENT);

  const readiness = new ReadinessTracker({
    // exactly_once: the partitions' transactional producers report trouble as retrying partitions.
    producerConnected: () => exactlyOnce || producer.isConnected(),
    onChange: (ready, reason) => {
      logger.info(ready ? 'ready' : 'not ready', { component: COMPONENT, groupId, ...(ready ? {} : { reason }) });
      guard('onReadyChange', () => hooks.onReadyChange?.(ready, reason));
    },
  });

  const consumer: Consumer = kafka.consumer(kafkajsConsumerConfig(options, async () => !stopping && !fatal));

  onGroupEvents({
    consumer,
    assignment,
    readiness,
    transactions,
    logger,
    groupId,
    component: COMPONENT,
    isStopping: () => stopping,
    isFatal: () => fatal !== undefined,
    fail,
    commitPastControlRecords: (topic, partition, offset) =>
      transactions
        ? partitionQueue.run(tpKey(topic, partition), () => commitOffsetInTransaction(topic, partition, offset))
        : consumer.commitOffsets([{ topic, partition, offset }]),
  });

  /** exactly_once: moves the committed offset in a transaction of its own (nothing to send). */
  async function commitOffsetInTransaction(topic: string, partition: number, offset: string): Promise<void> {
    if (!transactions || transactions.isFenced(topic, partition)) return;
    const { producer: txn, committed } = await transactions.acquire(topic, partition);
    if (committed !== undefined && committed !== null && committed >= BigInt(offset)) return;
    await txn.commitTransaction([], { groupId, offsets: [{ topic, partition, offset: BigInt(offset) }] });
  }

  /** Stops everything after a non-retriable error; nothing past an unacknowledged record was committed. */
  function fail(error: KafkaAdapterError): void {
    if (fatal) return;
    fatal = error;
    logger.error('batch consumer stopped by a non-retriable error', {
      component: COMPONENT,
      groupId,
      code: error.code,
      ...describeError(error),
    });
    readiness.setFatal(error.code);
    guard('onFatal', () => hooks.onFatal?.(error));
    sleeper.wakeAll();
    // Not awaited: this may run inside eachBatch, and the consumer's stop waits for eachBatch to return.
    void shutdown().then(
      () => settleDone?.reject(error),
      () => settleDone?.reject(error),
    );
  }

  async function eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, isRunning, isStale, heartbeat, resolveOffset, commitOffsetsIfNecessary } = payload;
    const { topic, partition } = batch;
    const ctx: ChunkContext = {
      topic,
      partition,
      highWatermark: batch.highWatermark,
      isActive: () => isRunning() && !isStale() && !fatal && assignment.has(topic, partition),
      heartbeat,
      // The payload's commit goes straight to the group coordinator; consumer.commitOffsets() would silently skip
      // the commit once stop() was called, losing the commit of the chunk we finish during shutdown.
      commit: (offset) => commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset }] }] }),
    };
    const parts = chunk(batch.messages, maxRecordsPerChunk);
    for (const [i, part] of parts.entries()) {
      if (!ctx.isActive()) return;
      const last = part[part.length - 1];
      if (last === undefined) continue;
      // The last chunk commits past the whole batch, transaction markers and compaction gaps included.
      const lastCovered = i === parts.length - 1 ? batch.lastOffset() : last.offset;
      const records = part.map((m) => toConsumedRecord(topic, partition, m));
      const common = {
        transform: options.transform,
        onTransformError: options.onTransformError,
        logger,
        groupId,
        readiness,
        retry,
        sleep: (ms: number) => sleeper.sleep(ms),
        onRetry: (info: Parameters<NonNullable<typeof hooks.onRetry>>[0]) =>
          guard('onRetry', () => hooks.onRetry?.(info)),
        onFatal: fail,
        now: Date.now,
      };
      const result: ChunkResult<O> = transactions
        ? await partitionQueue.run(tpKey(topic, partition), () =>
            processChunkInTransaction(records, offsetAfter(lastCovered), ctx, {
              ...common,
              transactions,
              onTransaction: (outcome, ms) => guard('onTransaction', () => hooks.onTransaction?.(outcome, ms)),
            }),
          )
        : await processChunk(records, offsetAfter(lastCovered), ctx, { ...common, producer });
      if (result.end !== 'committed') return;
      // kafkajs fetches the next batch from the resolved offset.
      resolveOffset(lastCovered);
      guard('onChunk', () => hooks.onChunk?.(result.info));
      await heartbeatOrRejoin(ctx, { logger, groupId });
    }
  }

  async function shutdown(): Promise<void> {
    const work = (async () => {
      // disconnect() stops the runner first, which waits for the in-flight eachBatch: the chunk being processed
      // is sent and committed, the rest of its batch is left for the next owner of the partition.
      await consumer
        .disconnect()
        .catch((err: unknown) =>
          logger.warn('consumer disconnect failed', { component: COMPONENT, groupId, ...describeError(err) }),
        );
      await transactions?.closeAll();
      await admin
        ?.disconnect()
        .catch((err: unknown) =>
          logger.debug('admin disconnect failed', { component: COMPONENT, groupId, ...describeError(err) }),
        );
      if (ownProducer) await producer.disconnect();
    })();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), stopTimeoutMs);
    });
    const outcome = await Promise.race([work.then(() => 'done' as const), timeout]);
    clearTimeout(timer);
    if (outcome === 'timeout')
      logger.warn('stop timed out; uncommitted records will be redelivered', {
        component: COMPONENT,
        groupId,
        stopTimeoutMs,
      });
    assignment.clear();
    readiness.setJoined(false);
  }

  let started = false;
  let stopped: Promise<void> | undefined;

  return {
    async start() {
      if (started) return;
      if (stopping || fatal)
        throw new KafkaAdapterError('a stopped batch consumer cannot be restarted', {
          code: 'STOPPED',
          canRetry: false,
        });
      try {
        if (exactlyOnce) {
          const a = options.client.admin();
          await a.connect();
          admin = a;
        } else if (!producer.isConnected()) {
          await producer.connect();
        }
        await consumer.connect();
        await consumer.subscribe({
          topics: [...options.topics],
          fromBeginning: options.fromBeginning ?? BATCH_CONSUMER_DEFAULTS.fromBeginning,
        });
        started = true;
        await consumer.run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          partitionsConsumedConcurrently:
            options.partitionsConsumedConcurrently ?? BATCH_CONSUMER_DEFAULTS.partitionsConsumedConcurrently,
          eachBatch,
        });
      } catch (err) {
        started = false;
        await consumer.disconnect().catch((e: unknown) =>
          logger.debug('disconnect after a failed start failed', {
            component: COMPONENT,
            groupId,
            ...describeError(e),
          }),
        );
        await admin?.disconnect().catch((e: unknown) =>
          logger.debug('admin disconnect after a failed start failed', {
            component: COMPONENT,
            groupId,
            ...describeError(e),
          }),
        );
        if (ownProducer) await producer.disconnect();
        throw toAdapterError(err, 'batch consumer start failed');
      }
      readiness.setStarted(true);
    },

    stop() {
      if (!stopped) {
        stopping = true;
        readiness.setStopping();
        sleeper.wakeAll();
        stopped = shutdown().then(() => {
          if (fatal) settleDone?.reject(fatal);
          else settleDone?.resolve();
        });
      }
      return stopped;
    },

    isReady: () => readiness.current(),
    done,
  };
}
