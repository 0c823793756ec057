// Exactly-once processing of one chunk: its outputs, dead letters and input offset are committed in ONE Kafka
// transaction of the partition's transactional producer (partition-transactions.ts). Readers with
// isolation.level=read_committed then see every input record's outcome exactly once: an aborted transaction leaves
// nothing visible, and the offset moves only with the outputs.
//
// A failed transaction is aborted and the chunk is redone (the retry loop is chunk-retry.ts, shared with the
// at-least-once chunk). Before redoing it, the producer initialises again, which also settles an ambiguous failure
// (a commit that reached the coordinator but whose answer was lost completes first), and the committed offset is
// read again: records below it are done already and are not processed twice.
import { classifyError } from '../errors';
import type { TransactionalProducer } from '../producer/transactional-producer';
import type { ConsumedRecord, OutgoingRecord } from '../types';
import {
  chunkInfo,
  chunkWhere,
  type ChunkContext,
  type ChunkDeps,
  type ChunkResult,
  type ChunkWhere,
} from './chunk-context';
import { retryChunk, type ChunkAttempt } from './chunk-retry';
import type { PartitionTransactions } from './partition-transactions';
import { transformOrStop, warnOfTransformErrors, type GuardedResult } from './transform-guard';

export interface TransactionalChunkDeps<O> extends ChunkDeps<O> {
  readonly transactions: PartitionTransactions;
  /** Every transaction's end, for metrics. */
  onTransaction(result: 'committed' | 'aborted', durationMs: number): void;
}

/**
 * Processes `records` (consecutive, one partition) in one transaction that also commits `committedOffset`.
 * Resolves 'abandoned' when another instance owns the partition (fenced) or it was revoked; throws a
 * group-membership error back to kafkajs.
 */
export async function processChunkInTransaction<O>(
  records: readonly ConsumedRecord[],
  committedOffset: string,
  ctx: ChunkContext,
  deps: TransactionalChunkDeps<O>,
): Promise<ChunkResult<O>> {
  const started = deps.now();
  const end = BigInt(committedOffset);
  const where = chunkWhere(records, committedOffset, ctx, deps.groupId);
  if (deps.transactions.isFenced(ctx.topic, ctx.partition)) return { end: 'abandoned' };

  const attempt = new TransactionAttempt(records, end, ctx, deps, where);
  const ended = await retryChunk(attempt, ctx, where, started, deps);
  if (ended.end !== 'done') return ended;
  // Only the records this instance processed are reported: the others' outcomes were counted by their processor.
  const processed = attempt.processed();
  return {
    end: 'committed',
    info: chunkInfo(ctx, processed.todo, processed.result, committedOffset, ended.durationMs, ended.retries),
  };
}

/**
 * The exactly-once attempt: acquire the partition's producer (initialised again after a failure), skip what the
 * group has committed by then, transform the rest once, commit outputs and offset in one transaction.
 */
class TransactionAttempt<O> implements ChunkAttempt {
  readonly stage = 'transaction';
  private from: bigint;
  // Read once, before the first attempt: a fenced answer belongs to the generation the chunk began in.
  private readonly generation: number;
  private done: { readonly todo: readonly ConsumedRecord[]; readonly result: GuardedResult<O> } | undefined;

  constructor(
    private readonly records: readonly ConsumedRecord[],
    private readonly end: bigint,
    private readonly ctx: ChunkContext,
    private readonly deps: TransactionalChunkDeps<O>,
    private readonly where: ChunkWhere,
  ) {
    this.from = BigInt(where.firstOffset);
    this.generation = deps.transactions.generation;
  }

  async run(): Promise<'done' | 'fatal' | 'abandoned'> {
    const t0 = this.deps.now();
    try {
      return await this.commitOnce(t0);
    } catch (err) {
      if (classifyError(err).code !== 'PRODUCER_FENCED') throw err;
      // A zombie: another instance owns this partition now. Nothing of this transaction is visible; the group's
      // rebalance will tell kafkajs, and until then this partition is not processed here. Not a retry: initialising
      // the id again would fence the rightful owner.
      this.deps.transactions.markFenced(this.ctx.topic, this.ctx.partition, this.generation);
      this.deps.logger.warn(
        'fenced: another instance owns this partition now; its transaction was aborted, nothing of it is visible',
        this.where,
      );
      return 'abandoned';
    }
  }

  /** The records this instance transformed and committed (none when an earlier owner had committed them all). */
  processed(): { readonly todo: readonly ConsumedRecord[]; readonly result: GuardedResult<O> } {
    return this.done ?? { todo: [], result: { records: [], outcomes: [], transformErrors: 0 } };
  }

  private async commitOnce(t0: number): Promise<'done' | 'fatal'> {
    const { transactions, logger } = this.deps;
    const { producer, committed } = await transactions.acquire(this.ctx.topic, this.ctx.partition);
    if (committed !== undefined && committed !== null && committed > this.from) {
      logger.info('records below the committed offset are done already: skipped', {
        ...this.where,
        committed: String(committed),
      });
      this.from = committed;
      this.done = undefined;
    }
    const todo = this.from >= this.end ? [] : this.records.filter((r) => BigInt(r.offset) >= this.from);
    if (!this.done) {
      const result = await transformOrStop(todo, this.deps);
      if (!result) return 'fatal';
      this.done = { todo, result };
      warnOfTransformErrors(result.transformErrors, logger, this.where);
    }
    if (this.from >= this.end) return 'done'; // everything was committed by an earlier attempt (or the last owner)
    await this.commitTransaction(producer, this.done.result.records, t0);
    return 'done';
  }

  /** Reports the transaction's end either way; an aborted one is rethrown for the retry loop to decide. */
  private async commitTransaction(producer: TransactionalProducer, outputs: readonly OutgoingRecord[], t0: number) {
    const { topic, partition } = this.ctx;
    try {
      await producer.commitTransaction(outputs, {
        groupId: this.deps.groupId,
        offsets: [{ topic, partition, offset: this.end }],
      });
      this.deps.onTransaction('committed', this.deps.now() - t0);
    } catch (err) {
      this.deps.onTransaction('aborted', this.deps.now() - t0);
      throw err;
    }
  }
}
