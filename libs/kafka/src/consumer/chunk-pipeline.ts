// One chunk from consumed to committed: transform (guarded), send with a per-partition acknowledgement, commit. The
// commit happens only after every output is acknowledged, so a crash at any point redelivers the chunk (duplicates
// allowed, loss never). Retries resume where the chunk stands: a failed send resends only the unacknowledged records,
// a failed commit commits again without resending. The retry state machine lives here, with its collaborators
// injected, so it is unit-tested without a broker; the kafkajs side is in batch-consumer.ts.
import type { RetryPolicy } from '../backoff';
import { classifyError, describeError, KafkaAdapterError, REBALANCE_CODES } from '../errors';
import type { LoggerLike } from '../options';
import type { PendingSend, RecordProducer } from '../producer/record-producer';
import type { ConsumedRecord } from '../types';
import type { ReadinessTracker } from './readiness';
import { decideRetry, type RetryDecision } from './retry-policy';
import { guardedTransform } from './transform-guard';
import type { ChunkInfo, ChunkStage, OnTransformError, RetryInfo, Transform } from './types';

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

export interface ChunkPipelineDeps<O> {
  readonly transform: Transform<O>;
  readonly onTransformError?: OnTransformError<O>;
  readonly producer: Pick<RecordProducer, 'startSend'>;
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

const COMPONENT = 'kafka.batch-consumer';

function isRebalance(err: unknown): boolean {
  return REBALANCE_CODES.has(classifyError(err).code);
}

/**
 * Processes `records` (consecutive, one partition) until `committedOffset` is committed. Throws a group-membership
 * error back to the caller, which hands it to kafkajs to rejoin; otherwise resolves with how the chunk ended.
 */
export async function processChunk<O>(
  records: readonly ConsumedRecord[],
  committedOffset: string,
  ctx: ChunkContext,
  deps: ChunkPipelineDeps<O>,
): Promise<ChunkResult<O>> {
  const { topic, partition } = ctx;
  const started = deps.now();
  const firstOffset = records[0]?.offset ?? committedOffset;
  const lastOffset = records[records.length - 1]?.offset ?? committedOffset;
  const where = { component: COMPONENT, groupId: deps.groupId, topic, partition, firstOffset, lastOffset };

  let guarded;
  try {
    guarded = await guardedTransform(records, deps.transform, deps.onTransformError);
  } catch (err) {
    deps.onFatal(transformFailed(err));
    return { end: 'fatal' };
  }
  warnOfTransformErrors(guarded.transformErrors, deps.logger, where);

  let pending: PendingSend | undefined;
  let sent = guarded.records.length === 0;
  let attempt = 0;
  try {
    for (;;) {
      let stage: ChunkStage = 'send';
      try {
        if (!sent) {
          pending ??= deps.producer.startSend(guarded.records);
          await pending.complete();
          sent = true;
        }
        stage = 'commit';
        await ctx.commit(committedOffset);
        break;
      } catch (err) {
        const decision = decideRetry(err, attempt + 1, deps.retry, deps.random);
        rejoinOnRebalance(err, decision, deps.logger, where);
        if (decision.action === 'fatal') {
          deps.onFatal(stageFailed(stage, err, decision.code, ctx, firstOffset, lastOffset));
          return { end: 'fatal' };
        }
        attempt += 1;
        const more = { acknowledged: pending?.acknowledged ?? 0, unacknowledged: pending?.pending ?? 0 };
        if ((await waitBeforeRetry(err, decision, attempt, stage, ctx, deps, { ...where, ...more })) === 'abandoned')
          return { end: 'abandoned' };
      }
    }
  } finally {
    deps.readiness.settled(topic, partition);
  }

  const durationMs = deps.now() - started;
  if (attempt > 0) deps.logger.info('chunk recovered after retries', { ...where, attempts: attempt, durationMs });
  return { end: 'committed', info: chunkInfo(ctx, records, guarded, committedOffset, durationMs, attempt) };
}

/** A transform that throws outside the guard is a bug in the caller's code: not retriable, it stops the runner. */
export function transformFailed(err: unknown): KafkaAdapterError {
  return err instanceof KafkaAdapterError
    ? err
    : new KafkaAdapterError(describeError(err).errorMessage, { code: 'TRANSFORM_FAILED', canRetry: false, cause: err });
}

export function warnOfTransformErrors(transformErrors: number, logger: LoggerLike, where: object): void {
  if (transformErrors === 0) return;
  logger.warn('records whose processing threw were turned into dead letters', { ...where, records: transformErrors });
}

/** A group-membership error goes back to kafkajs, which rejoins; the uncommitted chunk is redelivered after. */
export function rejoinOnRebalance(
  err: unknown,
  decision: RetryDecision,
  logger: LoggerLike,
  where: object,
): asserts decision is Exclude<RetryDecision, { readonly action: 'rejoin' }> {
  if (decision.action !== 'rejoin') return;
  logger.info('group rebalancing; the uncommitted chunk will be redelivered', { ...where, code: decision.code });
  throw err;
}

/** The non-retriable error that stops the runner, naming the stage and the chunk. */
export function stageFailed(
  stage: ChunkStage,
  err: unknown,
  code: string,
  ctx: ChunkContext,
  firstOffset: string,
  lastOffset: string,
): KafkaAdapterError {
  return new KafkaAdapterError(
    `${stage} failed on ${ctx.topic}/${ctx.partition} at offsets ${firstOffset}..${lastOffset}: ${describeError(err).errorMessage}`,
    {
      code,
      canRetry: false,
      cause: err,
    },
  );
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

/**
 * Between two attempts of a chunk: one warning when the chunk starts retrying (the attempts after it at debug: an
 * outage is a state, not news), the partition marked retrying, the backoff, a heartbeat. 'abandoned' when the
 * partition is no longer ours to process (stop, revocation): the chunk stays uncommitted and is redelivered.
 */
export async function waitBeforeRetry(
  err: unknown,
  decision: { readonly code: string; readonly delayMs: number },
  attempt: number,
  stage: ChunkStage,
  ctx: ChunkContext,
  deps: Pick<ChunkPipelineDeps<unknown>, 'logger' | 'groupId' | 'readiness' | 'onRetry' | 'sleep'>,
  where: object,
): Promise<'retry' | 'abandoned'> {
  const { topic, partition } = ctx;
  const meta = { ...where, stage, code: decision.code, attempt, delayMs: decision.delayMs, ...describeError(err) };
  if (attempt === 1) deps.logger.warn(`${stage} failed; retrying, nothing committed past acknowledged records`, meta);
  else deps.logger.debug(`${stage} failed again; retrying`, meta);
  deps.readiness.retryingPartition(topic, partition, `${stage} ${decision.code}`);
  deps.onRetry({ attempt, delayMs: decision.delayMs, error: err, code: decision.code, stage, topic, partition });
  if (ctx.isActive()) await deps.sleep(decision.delayMs);
  if (!ctx.isActive()) return 'abandoned';
  await heartbeatOrRejoin(ctx, deps);
  return 'retry';
}

/** A heartbeat between attempts keeps the membership alive; a rebalance it reports goes back to kafkajs. */
export async function heartbeatOrRejoin(
  ctx: Pick<ChunkContext, 'heartbeat'>,
  deps: Pick<ChunkPipelineDeps<unknown>, 'logger' | 'groupId'>,
): Promise<void> {
  try {
    await ctx.heartbeat();
  } catch (err) {
    if (isRebalance(err)) throw err;
    deps.logger.debug('heartbeat failed', {
      component: COMPONENT,
      groupId: deps.groupId,
      code: classifyError(err).code,
    });
  }
}
