// What both chunk pipelines (chunk-pipeline.ts: at least once; transactional-chunk.ts: exactly once) are given and
// give back: the partition as the fetch loop sees it, their shared collaborators, how a chunk ended, the fields
// every log line of a chunk carries, and the report the onChunk hook gets. Kept apart so that the shared retry loop
// (chunk-retry.ts) and both pipelines import it without importing each other.
import type { RetryPolicy } from '../backoff';
import type { KafkaAdapterError } from '../errors';
import type { LoggerLike } from '../options';
import type { ConsumedRecord } from '../types';
import type { ReadinessTracker } from './readiness';
import type { ChunkInfo, OnTransformError, RetryInfo, Transform } from './types';

/** The partition a chunk belongs to, as the fetch loop sees it. */
export interface ChunkContext {
  readonly topic: string;
  readonly partition: number;
  readonly highWatermark: string;
  /** Still ours to process: the runner runs, the partition was not sought away and is still assigned. */
  isActive(): boolean;
  heartbeat(): Promise<void>;
  /** Commits `offset` (the next record to read) for this partition; rejects like kafkajs's commit. */
  commit(offset: string): Promise<void>;
}

/** The collaborators both pipelines share; each adds how it sends (a producer, or the partitions' transactions). */
export interface ChunkDeps<O> {
  readonly transform: Transform<O>;
  readonly onTransformError?: OnTransformError<O>;
  readonly logger: LoggerLike;
  readonly groupId: string;
  readonly readiness: Pick<ReadinessTracker, 'retryingPartition' | 'settled'>;
  readonly retry: RetryPolicy;
  /** Waits between attempts; must return early when the runner stops. */
  sleep(ms: number): Promise<void>;
  onRetry(info: RetryInfo): void;
  /** Stops the runner; the chunk is left uncommitted. */
  onFatal(error: KafkaAdapterError): void;
  now(): number;
  random?: () => number;
}

export type ChunkResult<O> =
  | { readonly end: 'committed'; readonly info: ChunkInfo<O> }
  /** Not committed: the runner stops, the partition moved, or the error was fatal. It will be redelivered. */
  | { readonly end: 'abandoned' | 'fatal' };

export const CHUNK_COMPONENT = 'kafka.batch-consumer';

/** The fields every log line about a chunk carries, so an operator can find the chunk's records. */
export interface ChunkWhere {
  readonly component: string;
  readonly groupId: string;
  readonly topic: string;
  readonly partition: number;
  readonly firstOffset: string;
  readonly lastOffset: string;
}

export function chunkWhere(
  records: readonly ConsumedRecord[],
  committedOffset: string,
  ctx: Pick<ChunkContext, 'topic' | 'partition'>,
  groupId: string,
): ChunkWhere {
  const firstOffset = records[0]?.offset ?? committedOffset;
  const lastOffset = records[records.length - 1]?.offset ?? committedOffset;
  return { component: CHUNK_COMPONENT, groupId, topic: ctx.topic, partition: ctx.partition, firstOffset, lastOffset };
}

/** What the onChunk hook gets for a committed chunk. */
export function chunkInfo<O>(
  ctx: ChunkContext,
  records: readonly ConsumedRecord[],
  guarded: { readonly records: readonly unknown[]; readonly outcomes: readonly O[]; readonly transformErrors: number },
  committedOffset: string,
  durationMs: number,
  retries: number,
): ChunkInfo<O> {
  const lag = BigInt(ctx.highWatermark) - BigInt(committedOffset);
  return {
    topic: ctx.topic,
    partition: ctx.partition,
    records: records.length,
    outputs: guarded.records.length,
    outcomes: guarded.outcomes,
    transformErrors: guarded.transformErrors,
    durationMs,
    firstOffset: records[0]?.offset ?? committedOffset,
    lastOffset: records[records.length - 1]?.offset ?? committedOffset,
    committedOffset,
    highWatermark: ctx.highWatermark,
    lag: lag > 0n ? Number(lag) : 0,
    retries,
  };
}
