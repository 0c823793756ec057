// One chunk from consumed to committed, at least once: transform (guarded), send with a per-partition
// acknowledgement, commit. The commit happens only after every output is acknowledged, so a crash at any point
// redelivers the chunk (duplicates allowed, loss never). Retries resume where the chunk stands: a failed send resends
// only the unacknowledged records, a failed commit commits again without resending. The retry loop is shared with
// the exactly-once chunk (chunk-retry.ts); its collaborators are injected, so it is unit-tested without a broker; the
// kafkajs side is in batch-consumer.ts.
import type { PendingSend, RecordProducer } from '../producer/record-producer';
import type { ConsumedRecord, OutgoingRecord } from '../types';
import { chunkInfo, chunkWhere, type ChunkContext, type ChunkDeps, type ChunkResult } from './chunk-context';
import { retryChunk, type ChunkAttempt } from './chunk-retry';
import { transformOrStop, warnOfTransformErrors } from './transform-guard';
import type { ChunkStage } from './types';

export interface ChunkPipelineDeps<O> extends ChunkDeps<O> {
  readonly producer: Pick<RecordProducer, 'startSend'>;
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
  const started = deps.now();
  const where = chunkWhere(records, committedOffset, ctx, deps.groupId);
  const guarded = await transformOrStop(records, deps);
  if (!guarded) return { end: 'fatal' };
  warnOfTransformErrors(guarded.transformErrors, deps.logger, where);

  const attempt = new SendThenCommit(guarded.records, deps.producer, () => ctx.commit(committedOffset));
  const ended = await retryChunk(attempt, ctx, where, started, deps);
  if (ended.end !== 'done') return ended;
  return { end: 'committed', info: chunkInfo(ctx, records, guarded, committedOffset, ended.durationMs, ended.retries) };
}

/**
 * The at-least-once attempt: send the outputs, then commit. It resumes where the last attempt stopped: the send is
 * started once and its unacknowledged records are resent, and once every output is acknowledged only the commit is
 * tried again.
 */
class SendThenCommit implements ChunkAttempt {
  stage: ChunkStage = 'send';
  private pending: PendingSend | undefined;
  private sent: boolean;

  constructor(
    private readonly outputs: readonly OutgoingRecord[],
    private readonly producer: Pick<RecordProducer, 'startSend'>,
    private readonly commit: () => Promise<void>,
  ) {
    this.sent = outputs.length === 0;
  }

  async run(): Promise<'done'> {
    this.stage = 'send';
    if (!this.sent) {
      this.pending ??= this.producer.startSend(this.outputs);
      await this.pending.complete();
      this.sent = true;
    }
    this.stage = 'commit';
    await this.commit();
    return 'done';
  }

  progress() {
    return { acknowledged: this.pending?.acknowledged ?? 0, unacknowledged: this.pending?.pending ?? 0 };
  }
}
