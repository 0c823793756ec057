// A reader that never commits: reads given offset ranges of one topic and resolves once every partition reached
// the end of its range. For tools that look at a topic without moving anybody's position (inspect, dry runs).
// kafkajs can only fetch as a group member, so the reader joins a group of its own (random id) with auto-commit
// off, never commits, positions each partition by seek (again after every rejoin, from what it has read), and
// deletes its group when done (a group without offsets leaves no trace; the broker would expire it anyway).
import type { Consumer, EachBatchPayload } from 'kafkajs';
import { randomBytes } from 'node:crypto';
import type { AdminClient } from './admin';
import { clientInternals, type KafkaClient } from './client';
import { classifyError, describeError, KafkaAdapterError, toAdapterError } from './errors';
import { checkPositiveInt, invalid, type LoggerLike } from './options';
import { chunk, toConsumedRecord } from './records';
import type { ConsumedRecord } from './types';

/** Offsets [start, end) of one partition: start inclusive, end exclusive (e.g. low .. high watermark). */
export interface OffsetRange {
  readonly partition: number;
  readonly start: bigint;
  readonly end: bigint;
}

export interface ReadPartitionsOptions {
  readonly client: KafkaClient;
  readonly topic: string;
  /** The ranges to read; 'all': every partition from its low to its high watermark, captured when the read starts. */
  readonly ranges: readonly OffsetRange[] | 'all';
  /** Records of one partition, in offset order, all inside its range. A throw ends the read (it rejects). */
  onBatch(records: readonly ConsumedRecord[]): Promise<void> | void;
  /** Aborting ends the read after the in-flight onBatch; it then resolves with complete = false. */
  readonly signal?: AbortSignal;
  /** Default: the client's logger. */
  readonly logger?: LoggerLike;
  /** onBatch receives at most this many records at a time (default 1000). */
  readonly maxRecordsPerBatch?: number;
  /** Default 250: how long an idle fetch waits on the broker. */
  readonly maxWaitTimeInMs?: number;
  /** Default 1 MiB. */
  readonly maxBytesPerPartition?: number;
  /** Called once the reader has joined its group and fetches (not called when there is nothing to read). */
  readonly onReading?: () => void;
}

export interface ReadResult {
  /** true when every partition reached its end; false when aborted first. */
  readonly complete: boolean;
  /** The ranges read ('all' resolved to the watermarks captured at start), in partition order. */
  readonly ranges: readonly OffsetRange[];
  /** Records handed to onBatch. */
  readonly records: number;
}

const COMPONENT = 'kafka.partition-reader';

function validate(options: ReadPartitionsOptions): void {
  if (typeof options.topic !== 'string' || options.topic.length === 0) throw invalid('topic', 'must be a non-empty string');
  if (typeof options.onBatch !== 'function') throw invalid('onBatch', 'must be a function');
  if (options.ranges !== 'all') {
    if (!Array.isArray(options.ranges)) throw invalid('ranges', "must be 'all' or a list of ranges");
    const seen = new Set<number>();
    options.ranges.forEach((r, i) => {
      if (!Number.isInteger(r.partition) || r.partition < 0) throw invalid(`ranges/${i}/partition`, 'must be an integer ≥ 0');
      if (seen.has(r.partition)) throw invalid(`ranges/${i}/partition`, `partition ${r.partition} is listed twice`);
      seen.add(r.partition);
      if (typeof r.start !== 'bigint' || r.start < 0n) throw invalid(`ranges/${i}/start`, 'must be a bigint ≥ 0');
      if (typeof r.end !== 'bigint' || r.end < 0n) throw invalid(`ranges/${i}/end`, 'must be a bigint ≥ 0');
    });
  }
  for (const key of ['maxRecordsPerBatch', 'maxWaitTimeInMs', 'maxBytesPerPartition'] as const) checkPositiveInt(options[key], key);
}

async function withAdmin<T>(client: KafkaClient, fn: (admin: AdminClient) => Promise<T>): Promise<T> {
  const admin = client.admin();
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect();
  }
}

/** The ranges of a read: 'all' as low .. high watermark per partition, now. */
async function resolveRanges(client: KafkaClient, topic: string, ranges: readonly OffsetRange[] | 'all'): Promise<OffsetRange[]> {
  if (ranges !== 'all') return [...ranges].sort((a, b) => a.partition - b.partition);
  const offsets = await withAdmin(client, (admin) => admin.topicOffsets(topic));
  return offsets.map((o) => ({ partition: o.partition, start: o.low, end: o.high }));
}

/**
 * Reads `ranges` of `topic` without committing anything, handing the records to onBatch partition by partition,
 * and resolves once every partition's position reached the end of its range (empty ranges count as reached).
 * A record appended after the end is never handed over.
 */
export async function readPartitions(options: ReadPartitionsOptions): Promise<ReadResult> {
  validate(options);
  const { client, topic, signal } = options;
  const internals = clientInternals(client);
  const logger = options.logger ?? internals.logger;
  const ranges = await resolveRanges(client, topic, options.ranges);
  const maxRecords = options.maxRecordsPerBatch ?? 1000;
  const end = new Map(ranges.map((r) => [r.partition, r.end]));
  // Next offset to hand over, per partition; a partition is finished once next ≥ end.
  const next = new Map(ranges.map((r) => [r.partition, r.start]));
  const open = new Set(ranges.filter((r) => r.start < r.end).map((r) => r.partition));
  let records = 0;
  if (open.size === 0 || signal?.aborted) return { complete: open.size === 0, ranges, records };

  const groupId = `${client.clientId}.reader.${randomBytes(8).toString('hex')}`;
  const consumer: Consumer = internals.kafka.consumer({
    groupId,
    maxWaitTimeInMs: options.maxWaitTimeInMs ?? 250,
    maxBytesPerPartition: options.maxBytesPerPartition ?? 1_048_576,
    allowAutoTopicCreation: false,
    retry: { restartOnFailure: async () => !stopping },
  });

  let stopping = false;
  let failure: KafkaAdapterError | undefined;
  let wake: (() => void) | undefined;
  const over = new Promise<void>((resolve) => {
    wake = resolve;
  });
  const stop = () => {
    stopping = true;
    wake?.();
  };
  const onAbort = () => stop();
  signal?.addEventListener('abort', onAbort, { once: true });

  const pauseFinished = () => {
    const partitions = [...end.keys()].filter((p) => !open.has(p));
    if (partitions.length > 0) consumer.pause([{ topic, partitions }]);
  };

  consumer.on(consumer.events.GROUP_JOIN, (event) => {
    // Every (re)join starts from the group's committed offsets, of which there are none: position each partition
    // where this reader stands. Partitions outside the ranges or already finished are paused instead.
    const assigned = event.payload.memberAssignment[topic] ?? [];
    const outside = assigned.filter((p) => !end.has(p));
    if (outside.length > 0) consumer.pause([{ topic, partitions: outside }]);
    pauseFinished();
    for (const p of assigned) {
      if (open.has(p)) consumer.seek({ topic, partition: p, offset: String(next.get(p)) });
    }
    logger.debug('reader joined its group', { component: COMPONENT, topic, groupId, partitions: assigned.join(',') });
  });
  consumer.on(consumer.events.CRASH, (event) => {
    if (event.payload.restart || stopping) return;
    failure ??= toAdapterError(event.payload.error, `reading ${topic}`);
    stop();
  });

  const eachBatch = async ({ batch, isRunning, isStale, heartbeat }: EachBatchPayload): Promise<void> => {
    const p = batch.partition;
    const last = end.get(p);
    if (last === undefined || !open.has(p)) return;
    const from = next.get(p) ?? 0n;
    const wanted = batch.messages.filter((m) => {
      const o = BigInt(m.offset);
      return o >= from && o < last;
    });
    for (const part of chunk(wanted, maxRecords)) {
      if (stopping || !isRunning() || isStale()) return;
      const consumed = part.map((m) => toConsumedRecord(topic, p, m));
      try {
        await options.onBatch(consumed);
      } catch (err) {
        failure ??= new KafkaAdapterError(`onBatch failed on ${topic}/${p}: ${describeError(err).errorMessage}`, {
          code: 'HANDLER_FAILED',
          canRetry: false,
          cause: err,
        });
        stop();
        return;
      }
      records += consumed.length;
      const lastOffset = consumed[consumed.length - 1]?.offset;
      if (lastOffset !== undefined) next.set(p, BigInt(lastOffset) + 1n);
      await heartbeat().catch((err: unknown) => logger.debug('heartbeat failed', { component: COMPONENT, groupId, code: classifyError(err).code }));
    }
    // Past the records of this batch (offsets a compaction removed or transaction markers included).
    const after = BigInt(batch.lastOffset()) + 1n;
    if (after > (next.get(p) ?? 0n)) next.set(p, after);
    if ((next.get(p) ?? 0n) >= last) {
      open.delete(p);
      pauseFinished();
      if (open.size === 0) stop();
    }
  };

  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch });
    options.onReading?.();
    await over;
  } catch (err) {
    failure ??= toAdapterError(err, `reading ${topic}`);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await consumer.disconnect().catch((err: unknown) => logger.warn('reader disconnect failed', { component: COMPONENT, groupId, ...describeError(err) }));
    await deleteGroup(client, groupId, logger);
  }
  if (failure) throw failure;
  return { complete: open.size === 0, ranges, records };
}

async function deleteGroup(client: KafkaClient, groupId: string, logger: LoggerLike): Promise<void> {
  const { kafka } = clientInternals(client);
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.deleteGroups([groupId]);
  } catch (err) {
    // Harmless: a group without offsets is expired by the broker.
    logger.debug('could not delete the reader group', { component: COMPONENT, groupId, code: classifyError(err).code });
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
