// kafkajs's eachBatch for the batch consumer: a batch cut into chunks, each through the chunk pipeline
// (at_least_once through the shared producer, exactly_once in a transaction of its partition), its offset resolved
// once committed. Also the commit past a fetch of control records, which goes through the same per-partition queue.
import type { Consumer, EachBatchPayload } from 'kafkajs';
import type { Sleeper } from '../backoff';
import type { KafkaAdapterError } from '../errors';
import type { RetryPolicy } from '../options';
import type { RecordProducer } from '../producer/record-producer';
import { chunk, offsetAfter, toConsumedRecord } from '../records';
import type { ChunkContext, ChunkResult } from './chunk-context';
import { processChunk } from './chunk-pipeline';
import { heartbeatOrRejoin } from './chunk-retry';
import { BATCH_CONSUMER_DEFAULTS } from './consumer-options';
import { tpKey, type Assignment } from './group-events';
import type { HookGuard } from './hook-guard';
import { PartitionQueue } from './partition-queue';
import type { PartitionTransactions } from './partition-transactions';
import type { ReadinessTracker } from './readiness';
import { processChunkInTransaction } from './transactional-chunk';
import type { BatchConsumerOptions } from './types';

export interface BatchHandlerDeps {
  readonly consumer: Consumer;
  /** at_least_once sends through one idempotent producer; exactly_once through one transactional producer per partition. */
  readonly producer: RecordProducer;
  readonly transactions: PartitionTransactions | undefined;
  readonly assignment: Assignment;
  readonly readiness: ReadinessTracker;
  readonly sleeper: Sleeper;
  readonly guard: HookGuard;
  readonly retry: RetryPolicy;
  readonly isFatal: () => boolean;
  readonly fail: (error: KafkaAdapterError) => void;
}

export class BatchHandler<O> {
  // exactly_once: one transaction at a time per partition (a chunk, or a commit past control records).
  private readonly partitionQueue = new PartitionQueue();

  constructor(
    private readonly options: BatchConsumerOptions<O>,
    private readonly deps: BatchHandlerDeps,
  ) {}

  async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, isRunning, isStale, heartbeat, resolveOffset, commitOffsetsIfNecessary } = payload;
    const { topic, partition } = batch;
    const ctx: ChunkContext = {
      topic,
      partition,
      highWatermark: batch.highWatermark,
      isActive: () => isRunning() && !isStale() && !this.deps.isFatal() && this.deps.assignment.has(topic, partition),
      heartbeat,
      // The payload's commit goes straight to the group coordinator; consumer.commitOffsets() would silently skip
      // the commit once stop() was called, losing the commit of the chunk we finish during shutdown.
      commit: (offset) => commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset }] }] }),
    };
    const maxRecordsPerChunk = this.options.maxRecordsPerChunk ?? BATCH_CONSUMER_DEFAULTS.maxRecordsPerChunk;
    const parts = chunk(batch.messages, maxRecordsPerChunk);
    for (const [i, part] of parts.entries()) {
      if (!ctx.isActive()) return;
      const last = part[part.length - 1];
      if (last === undefined) continue;
      // The last chunk commits past the whole batch, transaction markers and compaction gaps included.
      const lastCovered = i === parts.length - 1 ? batch.lastOffset() : last.offset;
      const records = part.map((m) => toConsumedRecord(topic, partition, m));
      const result = await this.runChunk(records, offsetAfter(lastCovered), ctx);
      if (result.end !== 'committed') return;
      // kafkajs fetches the next batch from the resolved offset.
      resolveOffset(lastCovered);
      this.deps.guard('onChunk', () => this.options.hooks?.onChunk?.(result.info));
      await heartbeatOrRejoin(ctx, { logger: this.options.logger, groupId: this.options.groupId });
    }
  }

  /** Commits past a fetch that held only control records (group-events.ts says why). */
  commitPastControlRecords(topic: string, partition: number, offset: string): Promise<void> {
    if (!this.deps.transactions) return this.deps.consumer.commitOffsets([{ topic, partition, offset }]);
    return this.partitionQueue.run(tpKey(topic, partition), () =>
      this.commitOffsetInTransaction(topic, partition, offset),
    );
  }

  /** One chunk through the pipeline: at_least_once through the shared producer, exactly_once in a transaction. */
  private runChunk(
    records: Parameters<typeof processChunk>[0],
    commitOffset: string,
    ctx: ChunkContext,
  ): Promise<ChunkResult<O>> {
    const { options, deps } = this;
    const { transactions, guard } = deps;
    const hooks = options.hooks ?? {};
    const common = {
      transform: options.transform,
      onTransformError: options.onTransformError,
      logger: options.logger,
      groupId: options.groupId,
      readiness: deps.readiness,
      retry: deps.retry,
      sleep: (ms: number) => deps.sleeper.sleep(ms),
      onRetry: (info: Parameters<NonNullable<typeof hooks.onRetry>>[0]) =>
        guard('onRetry', () => hooks.onRetry?.(info)),
      onFatal: deps.fail,
      now: Date.now,
    };
    if (!transactions) return processChunk(records, commitOffset, ctx, { ...common, producer: deps.producer });
    return this.partitionQueue.run(tpKey(ctx.topic, ctx.partition), () =>
      processChunkInTransaction(records, commitOffset, ctx, {
        ...common,
        transactions,
        onTransaction: (outcome, ms) => guard('onTransaction', () => hooks.onTransaction?.(outcome, ms)),
      }),
    );
  }

  /** exactly_once: moves the committed offset in a transaction of its own (nothing to send). */
  private async commitOffsetInTransaction(topic: string, partition: number, offset: string): Promise<void> {
    const { transactions } = this.deps;
    if (!transactions || transactions.isFenced(topic, partition)) return;
    const { producer: txn, committed } = await transactions.acquire(topic, partition);
    if (committed !== undefined && committed !== null && committed >= BigInt(offset)) return;
    await txn.commitTransaction([], {
      groupId: this.options.groupId,
      offsets: [{ topic, partition, offset: BigInt(offset) }],
    });
  }
}
