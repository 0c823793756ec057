// The one retry loop of a chunk, for both guarantees (chunk-pipeline.ts: at least once; transactional-chunk.ts:
// exactly once). Each pipeline supplies one attempt (send then commit; one transaction) that resumes where the
// chunk stands; this loop decides what a failed attempt means (retry-policy.ts): a group-membership error goes back
// to kafkajs, an error no retry can fix stops the runner, anything else is retried with backoff for as long as the
// partition is still ours. Whatever way the chunk ends, its partition stops counting as retrying, so one chunk can
// never keep the runner not ready for good.
import { classifyError, describeError, KafkaAdapterError, REBALANCE_CODES } from '../errors';
import type { LoggerLike } from '../options';
import { CHUNK_COMPONENT, type ChunkContext, type ChunkDeps, type ChunkWhere } from './chunk-context';
import { decideRetry, type RetryDecision } from './retry-policy';
import type { ChunkStage } from './types';

/** One try at a chunk. It throws what failed; the loop decides whether to try again. */
export interface ChunkAttempt {
  /**
   * 'done': the chunk's offset is committed. 'fatal' and 'abandoned' end the chunk uncommitted without a retry; the
   * attempt has already reported why (a transform that threw, a fenced producer).
   */
  run(): Promise<'done' | 'fatal' | 'abandoned'>;
  /** The stage the attempt was in when it threw, for the retry's log lines, hook and fatal error. */
  readonly stage: ChunkStage;
  /** Fields the retry's log lines add: how far the chunk got (what a send has had acknowledged). */
  progress?(): object;
}

export type ChunkRetryDeps = Pick<
  ChunkDeps<unknown>,
  'logger' | 'groupId' | 'readiness' | 'retry' | 'random' | 'sleep' | 'onRetry' | 'onFatal' | 'now'
>;

export type RetriedChunk =
  | { readonly end: 'done'; readonly retries: number; readonly durationMs: number }
  | { readonly end: 'abandoned' | 'fatal' };

/**
 * Runs `attempt` until it is done, or the chunk ends otherwise. Throws a group-membership error back to the caller,
 * which hands it to kafkajs to rejoin. `started` is when the chunk's processing began, for its duration.
 */
export async function retryChunk(
  attempt: ChunkAttempt,
  ctx: ChunkContext,
  where: ChunkWhere,
  started: number,
  deps: ChunkRetryDeps,
): Promise<RetriedChunk> {
  let retries = 0;
  try {
    for (;;) {
      try {
        const end = await attempt.run();
        if (end === 'done') break;
        return { end };
      } catch (err) {
        const decision = decideRetry(err, retries + 1, deps.retry, deps.random);
        rejoinOnRebalance(err, decision, deps.logger, where);
        if (decision.action === 'fatal') {
          deps.onFatal(stageFailed(attempt.stage, err, decision.code, where));
          return { end: 'fatal' };
        }
        retries += 1;
        const meta = attempt.progress ? { ...where, ...attempt.progress() } : where;
        if ((await waitBeforeRetry(err, decision, retries, attempt.stage, ctx, deps, meta)) === 'abandoned')
          return { end: 'abandoned' };
      }
    }
  } finally {
    deps.readiness.settled(ctx.topic, ctx.partition);
  }
  const durationMs = deps.now() - started;
  if (retries > 0) deps.logger.info('chunk recovered after retries', { ...where, attempts: retries, durationMs });
  return { end: 'done', retries, durationMs };
}

/** A group-membership error goes back to kafkajs, which rejoins; the uncommitted chunk is redelivered after. */
function rejoinOnRebalance(
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
function stageFailed(stage: ChunkStage, err: unknown, code: string, where: ChunkWhere): KafkaAdapterError {
  const { topic, partition, firstOffset, lastOffset } = where;
  return new KafkaAdapterError(
    `${stage} failed on ${topic}/${partition} at offsets ${firstOffset}..${lastOffset}: ${describeError(err).errorMessage}`,
    { code, canRetry: false, cause: err },
  );
}

/**
 * Between two attempts of a chunk: one warning when the chunk starts retrying (the attempts after it at debug: an
 * outage is a state, not news), the partition marked retrying, the backoff, a heartbeat. 'abandoned' when the
 * partition is no longer ours to process (stop, revocation): the chunk stays uncommitted and is redelivered.
 */
async function waitBeforeRetry(
  err: unknown,
  decision: { readonly code: string; readonly delayMs: number },
  attempt: number,
  stage: ChunkStage,
  ctx: ChunkContext,
  deps: ChunkRetryDeps,
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
  deps: Pick<ChunkDeps<unknown>, 'logger' | 'groupId'>,
): Promise<void> {
  try {
    await ctx.heartbeat();
  } catch (err) {
    if (REBALANCE_CODES.has(classifyError(err).code)) throw err;
    deps.logger.debug('heartbeat failed', {
      component: CHUNK_COMPONENT,
      groupId: deps.groupId,
      code: classifyError(err).code,
    });
  }
}
