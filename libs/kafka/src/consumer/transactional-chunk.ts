// Exactly-once processing of one chunk: its outputs, dead letters and input offset are committed in ONE Kafka
// transaction of the partition's transactional producer (partition-transactions.ts). Readers with
// isolation.level=read_committed then see every input record's outcome exactly once: an aborted transaction leaves
// nothing visible, and the offset moves only with the outputs.
//
// A failed transaction is aborted and the chunk is redone. Before redoing it, the producer initialises again, which
// also settles an ambiguous failure (a commit that reached the coordinator but whose answer was lost completes
// first), and the committed offset is read again: records below it are done already and are not processed twice.
import { classifyError } from '../errors';
import type { ConsumedRecord } from '../types';
import {
  chunkInfo,
  rejoinOnRebalance,
  stageFailed,
  transformFailed,
  waitBeforeRetry,
  warnOfTransformErrors,
  type ChunkContext,
  type ChunkPipelineDeps,
  type ChunkResult,
} from './chunk-pipeline';
import type { PartitionTransactions } from './partition-transactions';
import { decideRetry } from './retry-policy';
import { guardedTransform, type GuardedResult } from './transform-guard';

export interface TransactionalChunkDeps<O> extends Omit<ChunkPipelineDeps<O>, 'producer'> {
  readonly transactions: PartitionTransactions;
  /** Every transaction's end, for metrics. */
  onTransaction(result: 'committed' | 'aborted', durationMs: number): void;
}

const COMPONENT = 'kafka.batch-consumer';

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
  const { topic, partition } = ctx;
  const started = deps.now();
  const end = BigInt(committedOffset);
  const firstOffset = records[0]?.offset ?? committedOffset;
  const lastOffset = records[records.length - 1]?.offset ?? committedOffset;
  const where = { component: COMPONENT, groupId: deps.groupId, topic, partition, firstOffset, lastOffset };
  if (deps.transactions.isFenced(topic, partition)) return { end: 'abandoned' };
  const generation = deps.transactions.generation;

  let from = BigInt(firstOffset);
  let done: { readonly todo: readonly ConsumedRecord[]; readonly result: GuardedResult<O> } | undefined;
  let attempt = 0;
  try {
    for (;;) {
      let inTransaction = false;
      const t0 = deps.now();
      try {
        const { producer, committed } = await deps.transactions.acquire(topic, partition);
        if (committed !== undefined && committed !== null && committed > from) {
          deps.logger.info('records below the committed offset are done already: skipped', {
            ...where,
            committed: String(committed),
          });
          from = committed;
          done = undefined;
        }
        const todo = from >= end ? [] : records.filter((r) => BigInt(r.offset) >= from);
        if (!done) {
          try {
            done = { todo, result: await guardedTransform(todo, deps.transform, deps.onTransformError) };
          } catch (err) {
            deps.onFatal(transformFailed(err));
            return { end: 'fatal' };
          }
          warnOfTransformErrors(done.result.transformErrors, deps.logger, where);
        }
        if (from >= end) break; // everything was committed by an earlier attempt (or the partition's last owner)
        inTransaction = true;
        await producer.commitTransaction(done.result.records, {
          groupId: deps.groupId,
          offsets: [{ topic, partition, offset: end }],
        });
        deps.onTransaction('committed', deps.now() - t0);
        break;
      } catch (err) {
        if (inTransaction) deps.onTransaction('aborted', deps.now() - t0);
        const { code } = classifyError(err);
        if (code === 'PRODUCER_FENCED') {
          // A zombie: another instance owns this partition now. Nothing of this transaction is visible; the
          // group's rebalance will tell kafkajs, and until then this partition is not processed here.
          deps.transactions.markFenced(topic, partition, generation);
          deps.logger.warn(
            'fenced: another instance owns this partition now; its transaction was aborted, nothing of it is visible',
            where,
          );
          return { end: 'abandoned' };
        }
        const decision = decideRetry(err, attempt + 1, deps.retry, deps.random);
        rejoinOnRebalance(err, decision, deps.logger, where);
        if (decision.action === 'fatal') {
          deps.onFatal(stageFailed('transaction', err, decision.code, ctx, firstOffset, lastOffset));
          return { end: 'fatal' };
        }
        attempt += 1;
        if ((await waitBeforeRetry(err, decision, attempt, 'transaction', ctx, deps, where)) === 'abandoned')
          return { end: 'abandoned' };
      }
    }
  } finally {
    deps.readiness.settled(topic, partition);
  }

  const durationMs = deps.now() - started;
  if (attempt > 0) deps.logger.info('chunk recovered after retries', { ...where, attempts: attempt, durationMs });
  // Only the records this instance processed are reported: the others' outcomes were counted by their processor.
  const processed = done ?? { todo: [], result: { records: [], outcomes: [], transformErrors: 0 } };
  return {
    end: 'committed',
    info: chunkInfo(ctx, processed.todo, processed.result, committedOffset, durationMs, attempt),
  };
}
