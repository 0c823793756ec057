// Bounded reads of the DLQ: a replay through the replayer's own group with @login/kafka's batch runner bounded by
// stopAt (commit after acknowledgement), and reads that commit nothing (inspect, --dry-run) with readPartitions.
import {
  readPartitions,
  runBatchConsumer,
  type AdminClient,
  type ChunkInfo,
  type ConsumedRecord,
  type KafkaClient,
  type LoggerLike,
  type OutgoingRecord,
  type RecordProducer,
} from '@login/kafka';

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
 * Captures the watermarks of `topic` now: each partition's range ends at its high watermark and starts at the
 * group's committed offset, or at the log start (low watermark) when the group has committed nothing there, or
 * when `group` is undefined (a read of the whole retained DLQ). Only reads offsets: no group is created.
 */
export async function captureRanges(admin: AdminClient, topic: string, group?: string): Promise<PartitionRange[]> {
  const offsets = await admin.topicOffsets(topic);
  const committed = group === undefined ? new Map<number, bigint | null>() : await admin.committedOffsets(group, topic);
  return offsets.map((o) => {
    const c = committed.get(o.partition) ?? null;
    // A committed offset below the log start (retention passed it) resumes at the log start.
    const start = c === null || c < o.low ? o.low : c;
    return { partition: o.partition, start, end: o.high };
  });
}

/** Thrown from the transform to leave a chunk uncommitted while the run stops; the runner retries nothing then. */
export class StopReading extends Error {
  override readonly name = 'StopReading';
}

export interface BoundedReadOptions {
  readonly client: KafkaClient;
  readonly logger: LoggerLike;
  readonly topic: string;
  readonly ranges: readonly PartitionRange[];
  /**
   * 'own-group': through `groupId`, committing each chunk after its outputs were acknowledged, strictly up to the
   * ranges' ends (the group must stand at the ranges' starts, as captureRanges found it).
   * 'no-commit': reads the ranges without any group commit; the transform must not return records.
   */
  readonly mode: 'own-group' | 'no-commit';
  /** The group of an 'own-group' read. */
  readonly groupId?: string;
  readonly maxRecordsPerChunk: number;
  /** Records of one partition, in offset order, inside the ranges; resolves with the records to produce for them. */
  readonly transform: (records: readonly ConsumedRecord[]) => Promise<readonly OutgoingRecord[]>;
  /** After a chunk's outputs were acknowledged and its offsets committed ('own-group' only). */
  readonly onChunk?: (info: ChunkInfo) => void;
  readonly producer?: RecordProducer;
}

export type ReadOutcome = 'complete' | 'stopped';

export interface BoundedRead {
  /** Resolves when every partition reached its captured end (or stop() was called); rejects on a fatal error. */
  readonly done: Promise<ReadOutcome>;
  /** Stops after the in-flight chunk (sent and committed). Safe to call from inside the transform. */
  stop(): void;
  isReady(): boolean;
}

export function readBounded(options: BoundedReadOptions): BoundedRead {
  if (remaining(options.ranges) === 0) {
    return { done: Promise.resolve('complete'), stop: () => undefined, isReady: () => true };
  }
  return options.mode === 'own-group' ? readOwnGroup(options) : readWithoutCommits(options);
}

function readWithoutCommits(options: BoundedReadOptions): BoundedRead {
  const controller = new AbortController();
  let reading = false;
  const done = readPartitions({
    client: options.client,
    logger: options.logger,
    topic: options.topic,
    ranges: options.ranges,
    maxRecordsPerBatch: options.maxRecordsPerChunk,
    signal: controller.signal,
    onReading: () => {
      reading = true;
    },
    onBatch: async (records) => {
      const out = await options.transform(records);
      if (out.length > 0) throw new Error('a read that commits nothing must not produce records');
    },
  }).then((result): ReadOutcome => (result.complete ? 'complete' : 'stopped'));
  return {
    done,
    stop: () => controller.abort(),
    isReady: () => reading && !controller.signal.aborted,
  };
}

function readOwnGroup(options: BoundedReadOptions): BoundedRead {
  const { groupId } = options;
  if (groupId === undefined) throw new TypeError('an own-group read needs a groupId');
  let stopping = false;
  let started = false;
  const consumer = runBatchConsumer({
    client: options.client,
    groupId,
    topics: [options.topic],
    fromBeginning: true,
    // Strictly bounded: only offsets below each captured end are handed over (a chunk is cut there), a partition
    // that reached its end is no longer fetched, and new dead letters are left for the next run.
    stopAt: new Map(options.ranges.map((r) => [r.partition, r.end])),
    logger: options.logger,
    maxRecordsPerChunk: options.maxRecordsPerChunk,
    maxWaitTimeInMs: 250,
    // A killed run (SIGKILL, OOM) holds its partitions until its session expires; a restarted Job should not wait
    // the default 30 s. Chunks are bounded (≤ 500 records, about a second with --rate), so 10 s is ample.
    sessionTimeout: 10_000,
    heartbeatInterval: 1_000,
    ...(options.producer ? { producer: options.producer } : {}),
    transform: async (records) => {
      if (stopping) throw new StopReading('stopping: chunk left uncommitted');
      return options.transform(records);
    },
    hooks: { onChunk: (info) => options.onChunk?.(info) },
  });

  const done = (async (): Promise<ReadOutcome> => {
    await consumer.start();
    started = true;
    let complete = false;
    try {
      complete = await consumer.finished;
    } finally {
      stopping = true;
      await consumer.stop();
    }
    // Rejects when a non-retriable error stopped the consumer.
    await consumer.done;
    return complete ? 'complete' : 'stopped';
  })();

  return {
    done,
    stop: () => {
      if (stopping) return;
      stopping = true;
      // Not awaited here: this may run inside the transform, and stopping waits for the in-flight batch.
      void consumer.stop();
    },
    isReady: () => started && !stopping && consumer.isReady().ready,
  };
}
