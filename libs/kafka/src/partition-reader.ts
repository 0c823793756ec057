// A reader that belongs to no consumer group: reads given offset ranges of one topic with its own Fetch requests
// (fetch-session.ts) and resolves once every partition reached the end of its range. For tools that look at a
// topic without moving anybody's position (inspect, dry runs) and for the replayer, which keeps its position in
// its own transactions. Positions live in memory: the reader never commits, joins or creates a group.
//
// Memory is bounded by one round of fetches (at most `maxBytes` per partition leader, or one record batch when a
// single batch is larger), whatever the size of the ranges: a round is handed over before the next one is sent.
import type { Kafka } from 'kafkajs';
import { createAdminClient } from './admin';
import { backoffDelay, createSleeper, type RetryPolicy } from './backoff';
import { classifyError, describeError, KafkaAdapterError, STALE_LEADERSHIP_CODES, toAdapterError } from './errors';
import { createFetchSession, type FetchedPartition, type FetchSession } from './fetch-session';
import { visibleRecords } from './fetched-records';
import { callback, integer, invalid, nonEmptyString, optionsCheck } from './option-schema';
import type { LoggerLike } from './options';
import { chunk, toRecordHeaders } from './records';
import type { ConsumedRecord } from './types';

/** Offsets [start, end) of one partition: start inclusive, end exclusive (e.g. low .. high watermark). */
export interface OffsetRange {
  readonly partition: number;
  readonly start: bigint;
  readonly end: bigint;
}

export interface ReadPartitionsOptions {
  readonly topic: string;
  /** The ranges to read; 'all': every partition from its low to its high watermark, captured when the read starts. */
  readonly ranges: readonly OffsetRange[] | 'all';
  /**
   * Records of one partition, in offset order, all inside its range. Calls never overlap: the next one starts
   * after the previous one resolved. A throw ends the read (it rejects).
   */
  onBatch(records: readonly ConsumedRecord[]): Promise<void> | void;
  /** Aborting ends the read after the in-flight onBatch (or fetch); it then resolves with complete = false. */
  readonly signal?: AbortSignal;
  /** Default: the client's logger. */
  readonly logger?: LoggerLike;
  /** onBatch receives at most this many records at a time (default 1000). */
  readonly maxRecordsPerBatch?: number;
  /** Default 250: how long a fetch waits on the broker when a partition has nothing to hand over yet. */
  readonly maxWaitTimeInMs?: number;
  /** Default 1 MiB: bytes per partition and fetch (a larger first record batch still comes whole). */
  readonly maxBytesPerPartition?: number;
  /** Default 4 MiB: bytes of one fetch response (one per partition leader and round). */
  readonly maxBytes?: number;
  /** Called once the reader is connected and fetches (not called when there is nothing to read). */
  readonly onReading?: () => void;
  /** Retries of a failing fetch (leader moved, broker restarting) before the read gives up; default 10. */
  readonly retries?: number;
}

export interface ReadResult {
  /** true when every partition reached its end; false when aborted first. */
  readonly complete: boolean;
  /** The ranges read ('all' resolved to the watermarks captured at start), in partition order. */
  readonly ranges: readonly OffsetRange[];
  /** Records handed to onBatch. */
  readonly records: number;
  /** Offsets that retention deleted before the reader reached them (never handed over, nothing to read there). */
  readonly deletedBeforeRead: number;
}

const COMPONENT = 'kafka.partition-reader';
const ABORTED = Symbol('aborted');
const RETRY: RetryPolicy = { initialMs: 200, maxMs: 5_000, factor: 2, jitter: 0.2 };

/** The default of every optional setting, used wherever the option is left out. */
export const READER_DEFAULTS = {
  maxRecordsPerBatch: 1000,
  maxWaitTimeInMs: 250,
  maxBytesPerPartition: 1_048_576,
  maxBytes: 4_194_304,
  retries: 10,
} as const;

const checkSchema = optionsCheck<ReadPartitionsOptions>({
  type: 'object',
  required: ['topic', 'onBatch'],
  properties: {
    topic: nonEmptyString,
    onBatch: callback,
    maxRecordsPerBatch: integer(),
    maxWaitTimeInMs: integer(),
    maxBytesPerPartition: integer(),
    maxBytes: integer(),
    retries: integer(0),
  },
});

function validate(options: ReadPartitionsOptions): void {
  checkSchema(options);
  // Offsets are bigints, which JSON Schema cannot describe: the ranges are checked here.
  if (options.ranges === 'all') return;
  if (!Array.isArray(options.ranges)) throw invalid('ranges', "must be 'all' or a list of ranges");
  const seen = new Set<number>();
  options.ranges.forEach((r, i) => {
    if (!Number.isInteger(r.partition) || r.partition < 0)
      throw invalid(`ranges/${i}/partition`, 'must be an integer ≥ 0');
    if (seen.has(r.partition)) throw invalid(`ranges/${i}/partition`, `partition ${r.partition} is listed twice`);
    seen.add(r.partition);
    if (typeof r.start !== 'bigint' || r.start < 0n) throw invalid(`ranges/${i}/start`, 'must be a bigint ≥ 0');
    if (typeof r.end !== 'bigint' || r.end < 0n) throw invalid(`ranges/${i}/end`, 'must be a bigint ≥ 0');
  });
}

/** The ranges of a read: 'all' as low .. high watermark per partition, now. */
async function resolveRanges(
  kafka: Kafka,
  topic: string,
  ranges: readonly OffsetRange[] | 'all',
): Promise<OffsetRange[]> {
  if (ranges !== 'all') return [...ranges].sort((a, b) => a.partition - b.partition);
  const admin = createAdminClient(kafka);
  await admin.connect();
  try {
    const offsets = await admin.topicOffsets(topic);
    return offsets.map((o) => ({ partition: o.partition, start: o.low, end: o.high }));
  } finally {
    await admin.disconnect();
  }
}

/**
 * Reads `ranges` of `topic` (read_committed) without any consumer group, handing the records to onBatch partition
 * by partition, and resolves once every partition's position reached the end of its range (empty ranges count as
 * reached). A record at or after the end is never handed over. Called as KafkaClient.readPartitions;
 * `clientLogger` is the client's, used when the options name no logger.
 */
export async function readPartitions(
  kafka: Kafka,
  clientLogger: LoggerLike,
  options: ReadPartitionsOptions,
): Promise<ReadResult> {
  validate(options);
  const { topic, signal } = options;
  const logger = options.logger ?? clientLogger;
  const ranges = await resolveRanges(kafka, topic, options.ranges);
  const state = new ReadState(ranges);
  if (state.finished() || signal?.aborted) return state.result(ranges);

  const session = createFetchSession(kafka);
  const sleeper = createSleeper();
  const onAbort = () => sleeper.wakeAll();
  signal?.addEventListener('abort', onAbort, { once: true });
  const maxRecords = options.maxRecordsPerBatch ?? READER_DEFAULTS.maxRecordsPerBatch;
  const retries = options.retries ?? READER_DEFAULTS.retries;
  let failures = 0;
  try {
    await session.connect(topic).catch((err: unknown) => {
      throw toAdapterError(err, `reader connect (${topic})`);
    });
    options.onReading?.();
    while (!state.finished() && !signal?.aborted) {
      let fetched: FetchedPartition[];
      try {
        const round = await untilAborted(fetchRound(session, topic, state, options), signal, logger);
        if (round === ABORTED) break;
        fetched = round;
        failures = 0;
      } catch (err) {
        const { retriable, code } = classifyError(err);
        // Retention deleted offsets below a position: move up to the log start. Any other out-of-range position
        // (past the high watermark after a truncation) is not something a retry can fix.
        if (code === 'OFFSET_OUT_OF_RANGE' && (await state.skipDeleted(session, topic, logger))) continue;
        failures += 1;
        if (!(retriable || STALE_LEADERSHIP_CODES.has(code)) || failures > retries)
          throw toAdapterError(err, `fetching ${topic}`);
        const delay = backoffDelay(failures, RETRY);
        logger.warn('fetch failed, retrying', { component: COMPONENT, topic, code, attempt: failures, delayMs: delay });
        await sleeper.sleep(delay);
        await session
          .refreshMetadata()
          .catch((e: unknown) =>
            logger.debug('metadata refresh failed', { component: COMPONENT, topic, code: classifyError(e).code }),
          );
        continue;
      }
      for (const partition of fetched.sort((a, b) => a.partition - b.partition)) {
        if (signal?.aborted) break;
        await handOver(partition, state, topic, maxRecords, options);
      }
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await session
      .disconnect()
      .catch((err: unknown) =>
        logger.warn('reader disconnect failed', { component: COMPONENT, topic, ...describeError(err) }),
      );
  }
  return state.result(ranges);
}

/**
 * `work`, or ABORTED as soon as `signal` aborts: an abort also ends the wait for a fetch in flight (a broker slow to
 * answer, a client quota's throttle); its response is dropped unread, nothing of it was handed over. Not a
 * Promise.race against one long-lived abort promise: each race would stay attached to that promise, and with it
 * every fetched response, until the read ends.
 */
function untilAborted<T>(
  work: Promise<T>,
  signal: AbortSignal | undefined,
  logger: LoggerLike,
): Promise<T | typeof ABORTED> {
  if (!signal) return work;
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      work.catch((err: unknown) =>
        logger.debug('fetch dropped after an abort failed', { component: COMPONENT, code: classifyError(err).code }),
      );
      resolve(ABORTED);
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

/** One Fetch per leader of the unfinished partitions, in parallel; their partitions, flattened. */
async function fetchRound(
  session: FetchSession,
  topic: string,
  state: ReadState,
  options: ReadPartitionsOptions,
): Promise<FetchedPartition[]> {
  const byLeader = session.leaders(topic, state.open());
  const requests = [...byLeader].map(([nodeId, partitions]) =>
    session.fetch(nodeId, {
      topic,
      partitions: partitions.map((partition) => ({ partition, fetchOffset: state.position(partition) })),
      maxWaitTimeMs: options.maxWaitTimeInMs ?? READER_DEFAULTS.maxWaitTimeInMs,
      maxBytesPerPartition: options.maxBytesPerPartition ?? READER_DEFAULTS.maxBytesPerPartition,
      maxBytes: options.maxBytes ?? READER_DEFAULTS.maxBytes,
    }),
  );
  if (requests.length === 0)
    throw new KafkaAdapterError(`no leader known for ${topic}`, { code: 'LEADER_NOT_AVAILABLE', canRetry: true });
  return (await Promise.all(requests)).flat();
}

/** Hands the visible records of one fetched partition to onBatch, chunk by chunk, moving its position along. */
async function handOver(
  fetched: FetchedPartition,
  state: ReadState,
  topic: string,
  maxRecords: number,
  options: ReadPartitionsOptions,
): Promise<void> {
  const p = fetched.partition;
  if (!state.isOpen(p)) return;
  const end = state.end(p);
  const { messages, next } = visibleRecords(fetched, state.position(p));
  const inRange = messages.filter((m) => BigInt(m.offset) < end);
  for (const part of chunk(inRange, maxRecords)) {
    const last = part[part.length - 1];
    if (options.signal?.aborted || last === undefined) return;
    const records = part.map((m): ConsumedRecord => ({
      topic,
      partition: p,
      offset: m.offset,
      timestamp: m.timestamp,
      key: m.key,
      value: m.value,
      headers: toRecordHeaders(m.headers),
    }));
    try {
      await options.onBatch(records);
    } catch (err) {
      throw new KafkaAdapterError(`onBatch failed on ${topic}/${p}: ${describeError(err).errorMessage}`, {
        code: 'HANDLER_FAILED',
        canRetry: false,
        cause: err,
      });
    }
    state.handed(p, BigInt(last.offset) + 1n, records.length);
  }
  // Past the whole fetched batches: transaction markers and aborted records have no record to hand over. Not when
  // the read was stopped during the last onBatch: the caller may have taken only part of it.
  if (!options.signal?.aborted) state.advance(p, next);
}

/** Per-partition positions of one read: next offset to hand over, end of range, what was handed. */
class ReadState {
  private readonly positions = new Map<number, bigint>();
  private readonly ends = new Map<number, bigint>();
  private readonly unfinished = new Set<number>();
  private records = 0;
  private deleted = 0n;

  constructor(ranges: readonly OffsetRange[]) {
    for (const r of ranges) {
      this.positions.set(r.partition, r.start);
      this.ends.set(r.partition, r.end);
      if (r.start < r.end) this.unfinished.add(r.partition);
    }
  }

  finished = (): boolean => this.unfinished.size === 0;
  open = (): number[] => [...this.unfinished].sort((a, b) => a - b);
  isOpen = (p: number): boolean => this.unfinished.has(p);
  position = (p: number): bigint => this.positions.get(p) ?? 0n;
  end = (p: number): bigint => this.ends.get(p) ?? 0n;

  handed(p: number, next: bigint, count: number): void {
    this.records += count;
    this.advance(p, next);
  }

  advance(p: number, next: bigint): void {
    if (next > this.position(p)) this.positions.set(p, next);
    if (this.position(p) >= this.end(p)) this.unfinished.delete(p);
  }

  /**
   * OFFSET_OUT_OF_RANGE: retention deleted the head of a partition; moves every position below its log start up.
   * False when no position was below it (the error had another cause).
   */
  async skipDeleted(session: FetchSession, topic: string, logger: LoggerLike): Promise<boolean> {
    const earliest = await session.earliestOffsets(topic, this.open());
    let moved = false;
    for (const [p, low] of earliest) {
      const at = this.position(p);
      if (at >= low) continue;
      logger.warn('records deleted by retention before they were read', {
        component: COMPONENT,
        topic,
        partition: p,
        from: String(at),
        to: String(low),
      });
      this.deleted += (low < this.end(p) ? low : this.end(p)) - at;
      this.advance(p, low);
      moved = true;
    }
    return moved;
  }

  result(ranges: readonly OffsetRange[]): ReadResult {
    return { complete: this.finished(), ranges, records: this.records, deletedBeforeRead: Number(this.deleted) };
  }
}
