// Bounded reads of the DLQ on top of @login/kafka's batch runner (the only consumer libs/kafka offers).
// libs/kafka has no reader bounded by end offsets and no consumer that reads without committing; the gaps, and
// how this file works around them, are written down next to each workaround.
import {
  runBatchConsumer,
  type AdminClient,
  type ChunkInfo,
  type ConsumedRecord,
  type KafkaClient,
  type LoggerLike,
  type OutgoingRecord,
  type RecordProducer,
} from '@login/kafka';
import { randomBytes } from 'node:crypto';

/** Offsets [start, end) of one DLQ partition that a run reads: start = where it begins, end = captured at start. */
export interface PartitionRange {
  readonly partition: number;
  readonly start: bigint;
  readonly end: bigint;
}

export function remaining(ranges: readonly PartitionRange[]): number {
  return ranges.reduce((sum, r) => sum + Number(r.end > r.start ? r.end - r.start : 0n), 0);
}

/**
 * Captures the end offsets of `topic` now, and where a read starts: the group's committed offset, or the log start
 * when the group has committed nothing (or when `group` is undefined: a read of the whole retained DLQ).
 * consumerLag gives both: for a partition without a commit, lag = end − log start.
 */
export async function captureRanges(admin: AdminClient, topic: string, group?: string): Promise<PartitionRange[]> {
  // fetchOffsets of a group that never existed creates nothing on the broker.
  const probe = group ?? `dlq-replayer-probe-${randomBytes(6).toString('hex')}`;
  const lag = await admin.consumerLag(probe, topic);
  return lag.map((p) => ({ partition: p.partition, start: p.committed ?? p.end - p.lag, end: p.end }));
}

/** Thrown from the transform to leave a chunk uncommitted while the run stops; the runner retries nothing then. */
export class StopReading extends Error {
  override readonly name = 'StopReading';
}

export interface BoundedReadOptions {
  readonly client: KafkaClient;
  readonly logger: LoggerLike;
  readonly topic: string;
  readonly groupId: string;
  readonly ranges: readonly PartitionRange[];
  /**
   * 'own-group': the replayer's group; everything the runner delivers is handled (the runner commits whole chunks,
   * so a record it delivered and we ignored would be committed unhandled, i.e. lost for the next run).
   * 'throwaway': a fresh group that starts at the log start; records outside the ranges are ignored.
   */
  readonly mode: 'own-group' | 'throwaway';
  readonly maxRecordsPerChunk: number;
  /** Records of one partition, in offset order; resolves with the records to produce for them. */
  readonly transform: (records: readonly ConsumedRecord[]) => Promise<readonly OutgoingRecord[]>;
  /** After a chunk's outputs were acknowledged and its offsets committed. */
  readonly onChunk?: (info: ChunkInfo) => void;
  readonly producer?: RecordProducer;
  /** When every partition has been silent this long while the consumer is ready, the read counts as complete. */
  readonly idleCompleteMs?: number;
}

export type ReadOutcome = 'complete' | 'stopped';

export interface BoundedRead {
  /** Resolves when every partition reached its captured end (or stop() was called); rejects on a fatal error. */
  readonly done: Promise<ReadOutcome>;
  /** Stops after the in-flight chunk (sent and committed). Safe to call from inside the transform. */
  stop(): void;
  isReady(): boolean;
}

/**
 * Reads the ranges with the batch runner and resolves once each partition's position passed its captured end.
 * Workarounds for what libs/kafka lacks:
 * - the runner cannot stop a partition at an offset: a chunk that straddles the end is handled whole (own-group)
 *   and a partition finished early keeps being read until all are; the extra records are real DLQ records and get
 *   the same decision as any other, so nothing is lost or looped beyond --max-replays, but the bound is soft;
 * - the runner always commits: 'throwaway' reads commit into a fresh group nobody reads again.
 */
export function readBounded(options: BoundedReadOptions): BoundedRead {
  const { ranges, logger, topic } = options;
  const next = new Map<number, bigint>(ranges.map((r) => [r.partition, r.start]));
  const end = new Map<number, bigint>(ranges.map((r) => [r.partition, r.end]));
  const idleCompleteMs = options.idleCompleteMs ?? 10_000;
  let stopping = false;
  let started = false;
  let lastActivity = Date.now();
  // A transform may take long (--rate 0.05 with chunks of one record): that is work, not silence.
  let busy = 0;
  let settle: ((outcome: ReadOutcome) => void) | undefined;
  let fail: ((error: unknown) => void) | undefined;
  const done = new Promise<ReadOutcome>((resolve, reject) => {
    settle = resolve;
    fail = reject;
  });

  const allDone = () => [...end].every(([p, e]) => (next.get(p) ?? 0n) >= e);
  if (allDone()) {
    return { done: Promise.resolve('complete'), stop: () => undefined, isReady: () => true };
  }

  const advance = (partition: number, lastOffset: string) => {
    const after = BigInt(lastOffset) + 1n;
    if (after > (next.get(partition) ?? 0n)) next.set(partition, after);
  };

  let outcome: ReadOutcome = 'complete';
  let idleTimer: NodeJS.Timeout | undefined;
  const consumer = runBatchConsumer({
    client: options.client,
    groupId: options.groupId,
    topics: [topic],
    fromBeginning: true,
    logger,
    maxRecordsPerChunk: options.maxRecordsPerChunk,
    maxWaitTimeInMs: 250,
    // A killed run (SIGKILL, OOM) holds its partitions until its session expires; a restarted Job should not wait
    // the default 30 s. Chunks are bounded (≤ 500 records, about a second with --rate), so 10 s is ample.
    sessionTimeout: 10_000,
    heartbeatInterval: 1_000,
    ...(options.producer ? { producer: options.producer } : {}),
    transform: async (records) => {
      if (stopping) throw new StopReading('stopping: chunk left uncommitted');
      lastActivity = Date.now();
      const wanted =
        options.mode === 'own-group'
          ? records
          : records.filter((r) => {
              const o = BigInt(r.offset);
              const range = ranges.find((x) => x.partition === r.partition);
              return range !== undefined && o >= range.start && o < range.end;
            });
      busy += 1;
      let out: readonly OutgoingRecord[];
      try {
        out = wanted.length > 0 ? await options.transform(wanted) : [];
      } finally {
        busy -= 1;
        lastActivity = Date.now();
      }
      if (options.mode === 'throwaway') {
        const last = records[records.length - 1];
        if (last) advance(last.partition, last.offset);
        if (allDone()) finish('complete');
      }
      return out;
    },
    hooks: {
      onChunk: (info) => {
        lastActivity = Date.now();
        advance(info.partition, info.lastOffset);
        options.onChunk?.(info);
        if (allDone()) finish('complete');
      },
      onFatal: (error) => fail?.(error),
    },
  });

  function finish(result: ReadOutcome): void {
    if (stopping) return;
    stopping = true;
    outcome = result;
    if (idleTimer) clearInterval(idleTimer);
    // Not awaited here: this may run inside the transform, and stopping waits for the in-flight batch.
    consumer.stop().then(
      () => settle?.(outcome),
      (error: unknown) => fail?.(error),
    );
  }

  consumer.done.catch((error: unknown) => {
    if (idleTimer) clearInterval(idleTimer);
    fail?.(error);
  });

  consumer.start().then(
    () => {
      started = true;
      lastActivity = Date.now();
      // A partition whose last offsets below the captured end hold no record (compaction, transaction markers)
      // would never "reach" its end: silence while connected and ready means the log has nothing more for us.
      idleTimer = setInterval(() => {
        if (!stopping && busy === 0 && consumer.isReady().ready && Date.now() - lastActivity > idleCompleteMs) {
          const short = [...end].filter(([p, e]) => (next.get(p) ?? 0n) < e).map(([p, e]) => `${p}:${next.get(p)}/${e}`);
          logger.warn('no more records below the captured end offsets; treating the read as complete', {
            component: 'dlq-reader',
            topic,
            partitions: short.join(' '),
          });
          finish('complete');
        }
      }, 1000);
      idleTimer.unref();
    },
    (error: unknown) => fail?.(error),
  );

  return {
    done,
    stop: () => finish('stopped'),
    isReady: () => started && !stopping && consumer.isReady().ready,
  };
}
