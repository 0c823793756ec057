// The batch consumer runner (DESIGN §5): transform a chunk, send every output in one producer call (which cuts them
// into sequential produce requests the broker accepts: ProducerOptions.maxBatchBytes), await the acknowledgement of
// all in-sync replicas for every request, and only then resolve and commit offset + 1. A record is never
// committed before its outputs are acknowledged: after a crash it is redelivered (duplicates allowed, loss never).
// With `stopAt` the run is bounded: per partition only offsets below the bound are processed (a chunk is cut at it),
// a partition that reached its bound is paused, and `finished` resolves once every bounded partition has.
import type { Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import { backoffDelay, createSleeper, type RetryPolicy } from './backoff';
import { clientInternals, type KafkaClient } from './client';
import { classifyError, describeError, KafkaAdapterError, REBALANCE_CODES, toAdapterError } from './errors';
import { checkPositiveInt, invalid, resolveRetryPolicy, type LoggerLike, type ProducerOptions } from './options';
import type { RecordProducer } from './producer';
import { chunk, nextOffset, toConsumedRecord } from './records';
import type { ConsumedRecord, OutgoingRecord } from './types';

export type Transform = (
  records: readonly ConsumedRecord[],
) => readonly OutgoingRecord[] | Promise<readonly OutgoingRecord[]>;

export interface ChunkInfo {
  readonly topic: string;
  readonly partition: number;
  /** Records consumed in this chunk. */
  readonly records: number;
  /** Records produced for them (outputs and dead letters). */
  readonly outputs: number;
  /** From the first transform call to the commit, retries included. */
  readonly durationMs: number;
  readonly firstOffset: string;
  readonly lastOffset: string;
  /** The partition's high watermark when the batch was fetched: lag = highWatermark − lastOffset − 1. */
  readonly highWatermark: string;
  /** Failed attempts before the chunk succeeded (0 normally). */
  readonly retries: number;
}

export type ChunkStage = 'transform' | 'send' | 'commit';

export interface RetryInfo {
  /** 1 for the first retry of this chunk. */
  readonly attempt: number;
  readonly delayMs: number;
  readonly error: unknown;
  /** Stable code of the error (TRANSFORM_FAILED for a transform that threw). */
  readonly code: string;
  readonly stage: ChunkStage;
  readonly topic: string;
  readonly partition: number;
}

export interface BatchConsumerHooks {
  onChunk?(info: ChunkInfo): void;
  onReadyChange?(ready: boolean, reason?: string): void;
  onRetry?(info: RetryInfo): void;
  /** A non-retriable failure stopped the consumer; `done` rejects with the same error. */
  onFatal?(error: KafkaAdapterError): void;
}

export interface BatchConsumerOptions {
  readonly client: KafkaClient;
  readonly groupId: string;
  readonly topics: readonly string[];
  /** Where a group without committed offsets starts (default false: only new records). */
  readonly fromBeginning?: boolean;
  /** Pure mapping of consumed records to records to produce; bad data must be turned into DLQ records, not thrown. */
  readonly transform: Transform;
  /** Shared producer (its owner connects and disconnects it); default: the runner's own. */
  readonly producer?: RecordProducer;
  /** Options of the runner's own producer (ignored when `producer` is given), e.g. its `maxBatchBytes` per request. */
  readonly producerOptions?: ProducerOptions;
  readonly logger: LoggerLike;
  /** A fetched batch is processed in chunks of at most this many records (default 1000). */
  readonly maxRecordsPerChunk?: number;
  /** Consumer tuning (kafkajs names and defaults unless noted). */
  readonly sessionTimeout?: number;
  readonly heartbeatInterval?: number;
  readonly rebalanceTimeout?: number;
  readonly maxBytesPerPartition?: number;
  readonly maxBytes?: number;
  /** Default 1000 (kafkajs: 5000): an idle fetch returns sooner, so stop() is quicker. */
  readonly maxWaitTimeInMs?: number;
  readonly minBytes?: number;
  /** Partitions processed in parallel (default 1); each holds at most one fetched batch in memory. */
  readonly partitionsConsumedConcurrently?: number;
  /** Backoff of the runner's retry loops (transform bugs, send and commit failures). */
  readonly retry?: Partial<RetryPolicy>;
  /** Upper bound of stop(), ms (default 20000: below Kubernetes' 30 s grace period). */
  readonly stopTimeoutMs?: number;
  readonly hooks?: BatchConsumerHooks;
  /**
   * Bounded run over a single topic: per partition, process only offsets below this one (e.g. the high watermarks
   * captured before the start). Partitions without a bound are not processed at all. `finished` resolves once every
   * bounded partition's position reached its bound; the caller then stops the consumer.
   */
  readonly stopAt?: ReadonlyMap<number, bigint>;
}

export interface Readiness {
  readonly ready: boolean;
  /** Why not ready (empty when ready). */
  readonly reasons: string[];
}

export interface PartitionAssignment {
  readonly topic: string;
  readonly partitions: number[];
}

export interface BatchConsumer {
  /** Connects, subscribes and joins the group; resolves once consuming. */
  start(): Promise<void>;
  /** Stops fetching, lets the in-flight chunk finish (sent and committed), disconnects. Idempotent, bounded. */
  stop(): Promise<void>;
  isReady(): Readiness;
  /** The partitions this member was assigned at its last group join. */
  assignments(): PartitionAssignment[];
  /** Resolves after stop(); rejects with a non-retriable KafkaAdapterError when the consumer had to stop. */
  readonly done: Promise<void>;
  /**
   * With `stopAt`: resolves true once every bounded partition reached its bound (everything below it processed and
   * committed). Resolves false when stopped first (always, without `stopAt`); rejects like `done` on a fatal error.
   */
  readonly finished: Promise<boolean>;
}

const COMPONENT = 'kafka.batch-consumer';

interface ResolvedOptions {
  readonly maxRecordsPerChunk: number;
  readonly retry: RetryPolicy;
  readonly stopTimeoutMs: number;
}

function resolveOptions(options: BatchConsumerOptions): ResolvedOptions {
  if (typeof options.groupId !== 'string' || options.groupId.length === 0) throw invalid('groupId', 'must be a non-empty string');
  if (!Array.isArray(options.topics) || options.topics.length === 0) throw invalid('topics', 'must list at least one topic');
  options.topics.forEach((t, i) => {
    if (typeof t !== 'string' || t.length === 0) throw invalid(`topics/${i}`, 'must be a non-empty string');
  });
  if (typeof options.transform !== 'function') throw invalid('transform', 'must be a function');
  for (const key of ['sessionTimeout', 'heartbeatInterval', 'rebalanceTimeout', 'maxBytesPerPartition', 'maxBytes',
    'maxWaitTimeInMs', 'stopTimeoutMs', 'maxRecordsPerChunk'] as const) {
    checkPositiveInt(options[key], key);
  }
  checkPositiveInt(options.minBytes, 'minBytes', { min: 0 });
  checkPositiveInt(options.partitionsConsumedConcurrently, 'partitionsConsumedConcurrently', { max: 64 });
  if (options.stopAt !== undefined) {
    if (!(options.stopAt instanceof Map)) throw invalid('stopAt', 'must be a Map of partition to offset');
    if (options.topics.length !== 1) throw invalid('stopAt', 'needs exactly one topic');
    for (const [partition, offset] of options.stopAt) {
      if (!Number.isInteger(partition) || partition < 0) throw invalid('stopAt', `partition ${String(partition)} must be an integer ≥ 0`);
      if (typeof offset !== 'bigint' || offset < 0n) throw invalid(`stopAt/${partition}`, 'must be a bigint ≥ 0');
    }
  }
  if (options.heartbeatInterval !== undefined && options.heartbeatInterval >= (options.sessionTimeout ?? 30_000)) {
    throw invalid('heartbeatInterval', 'must be lower than sessionTimeout');
  }
  return {
    maxRecordsPerChunk: options.maxRecordsPerChunk ?? 1000,
    retry: resolveRetryPolicy(options.retry),
    stopTimeoutMs: options.stopTimeoutMs ?? 20_000,
  };
}

function isRebalance(err: unknown): boolean {
  return REBALANCE_CODES.has(classifyError(err).code);
}

export function runBatchConsumer(options: BatchConsumerOptions): BatchConsumer {
  const resolved = resolveOptions(options);
  const { kafka } = clientInternals(options.client);
  const { logger, hooks = {}, groupId } = options;
  const ownProducer = options.producer === undefined;
  const producer = options.producer ?? options.client.producer(options.producerOptions);
  const sleeper = createSleeper();

  const state = {
    started: false,
    joined: false,
    stopping: false,
    fatal: undefined as KafkaAdapterError | undefined,
    retrying: new Map<string, string>(),
    lastReady: false,
    assignment: [] as PartitionAssignment[],
  };

  let settleDone: { resolve: () => void; reject: (e: Error) => void } | undefined;
  const done = new Promise<void>((resolve, reject) => {
    settleDone = { resolve, reject };
  });
  // `done` may legitimately be ignored by a caller that only uses stop(); a fatal error is also logged and
  // reported through onFatal, so an unobserved rejection must not crash the process.
  done.catch(() => undefined);

  // Bounded runs (stopAt): the bound of each partition, and which partitions reached it.
  const bounds = options.stopAt;
  const boundedTopic = options.topics[0] ?? '';
  const reached = new Set<number>();
  let settleFinished: { resolve: (all: boolean) => void; reject: (e: Error) => void } | undefined;
  const finished = new Promise<boolean>((resolve, reject) => {
    settleFinished = { resolve, reject };
  });
  finished.catch(() => undefined);

  // Observability never fails the work: a hook's error is logged (first time at warn) and swallowed.
  const hookFailures = new Set<string>();
  function guard(name: string, fn: () => unknown): void {
    const report = (err: unknown) => {
      const first = !hookFailures.has(name);
      hookFailures.add(name);
      const meta = { component: COMPONENT, hook: name, ...describeError(err) };
      if (first) logger.warn(`hook ${name} failed (further failures at debug)`, meta);
      else logger.debug(`hook ${name} failed`, meta);
    };
    try {
      const result = fn();
      if (result && typeof (result as Promise<unknown>).then === 'function') (result as Promise<unknown>).catch(report);
    } catch (err) {
      report(err);
    }
  }

  function reasons(): string[] {
    const out: string[] = [];
    if (state.fatal) out.push(`fatal error: ${state.fatal.code}`);
    if (state.stopping) out.push('stopping');
    if (!state.started) out.push('not started');
    if (!state.joined) out.push('consumer has not joined the group');
    if (!producer.isConnected()) out.push('producer not connected');
    for (const [tp, why] of state.retrying) out.push(`retrying ${tp}: ${why}`);
    return out;
  }

  function refreshReady(): void {
    const why = reasons();
    const ready = why.length === 0;
    if (ready === state.lastReady) return;
    state.lastReady = ready;
    logger.info(ready ? 'ready' : 'not ready', { component: COMPONENT, groupId, ...(ready ? {} : { reason: why[0] }) });
    guard('onReadyChange', () => (ready ? hooks.onReadyChange?.(true) : hooks.onReadyChange?.(false, why[0])));
  }

  const consumer: Consumer = kafka.consumer({
    groupId,
    sessionTimeout: options.sessionTimeout ?? 30_000,
    heartbeatInterval: options.heartbeatInterval ?? 3000,
    rebalanceTimeout: options.rebalanceTimeout ?? 60_000,
    maxBytesPerPartition: options.maxBytesPerPartition ?? 1_048_576,
    maxBytes: options.maxBytes ?? 10_485_760,
    maxWaitTimeInMs: options.maxWaitTimeInMs ?? 1000,
    minBytes: options.minBytes ?? 1,
    allowAutoTopicCreation: false,
    retry: {
      // kafkajs calls this only for retriable crashes; we restart unless the runner is stopping or failed.
      restartOnFailure: async (err: Error) => {
        const restart = !state.stopping && !state.fatal;
        logger.warn(restart ? 'consumer crashed, restarting' : 'consumer crashed while stopping', {
          component: COMPONENT,
          groupId,
          code: classifyError(err).code,
          ...describeError(err),
        });
        return restart;
      },
    },
  });

  consumer.on(consumer.events.GROUP_JOIN, (event) => {
    state.joined = true;
    state.assignment = Object.entries(event.payload.memberAssignment)
      .map(([topic, partitions]) => ({ topic, partitions: [...partitions].sort((a, b) => a - b) }))
      .sort((a, b) => a.topic.localeCompare(b.topic));
    logger.info('joined consumer group', {
      component: COMPONENT,
      groupId,
      memberId: event.payload.memberId,
      assignment: state.assignment.map((a) => `${a.topic}:${a.partitions.join(',')}`).join(' '),
    });
    // A rejoin (or a restart after a crash) forgets pauses: pause again what must not be fetched.
    if (bounds) pauseOutOfBounds(event.payload.memberAssignment[boundedTopic] ?? []);
    refreshReady();
  });
  consumer.on(consumer.events.CRASH, (event) => {
    state.joined = false;
    const { error, restart } = event.payload;
    logger.error('consumer crashed', { component: COMPONENT, groupId, restart, code: classifyError(error).code, ...describeError(error) });
    refreshReady();
    if (!restart && !state.stopping) {
      const fatal = toAdapterError(error, 'consumer crashed');
      fail(new KafkaAdapterError(fatal.message, { code: fatal.code, canRetry: false, cause: error }));
    }
  });
  for (const name of [consumer.events.DISCONNECT, consumer.events.STOP] as const) {
    consumer.on(name, () => {
      state.joined = false;
      refreshReady();
    });
  }
  consumer.on(consumer.events.REBALANCING, () => {
    logger.info('consumer group rebalancing', { component: COMPONENT, groupId });
  });

  /** Stops everything after a non-retriable error; nothing past an unacknowledged record was committed. */
  function fail(error: KafkaAdapterError): void {
    if (state.fatal) return;
    state.fatal = error;
    logger.error('batch consumer stopped by a non-retriable error', { component: COMPONENT, groupId, code: error.code, ...describeError(error) });
    refreshReady();
    guard('onFatal', () => hooks.onFatal?.(error));
    sleeper.wakeAll();
    // Not awaited: this may run inside eachBatch, and the consumer's stop waits for eachBatch to return.
    settleFinished?.reject(error);
    void shutdown().then(
      () => settleDone?.reject(error),
      () => settleDone?.reject(error),
    );
  }

  async function heartbeatOrRejoin(heartbeat: () => Promise<void>): Promise<void> {
    try {
      await heartbeat();
    } catch (err) {
      // A rebalance must reach kafkajs, which rejoins the group; uncommitted records are then redelivered.
      if (isRebalance(err)) throw err;
      logger.debug('heartbeat failed', { component: COMPONENT, groupId, code: classifyError(err).code });
    }
  }

  /** Processes one chunk until it is committed; false when the runner must stop processing this batch. */
  async function processChunk(
    payload: EachBatchPayload,
    messages: readonly KafkaMessage[],
    keepGoing: () => boolean,
  ): Promise<boolean> {
    const { batch, resolveOffset, commitOffsetsIfNecessary, heartbeat } = payload;
    const { topic, partition } = batch;
    const tp = `${topic}/${partition}`;
    const started = Date.now();
    const records = messages.map((m) => toConsumedRecord(topic, partition, m));
    const firstOffset = records[0]?.offset ?? '';
    const lastOffset = records[records.length - 1]?.offset ?? '';
    let outputs: readonly OutgoingRecord[] | undefined;
    let sent = false;
    let committed = false;
    let attempt = 0;

    while (!committed) {
      let stage: ChunkStage = 'transform';
      try {
        if (outputs === undefined) {
          const result = await options.transform(records);
          if (!Array.isArray(result)) throw new TypeError('transform must return an array of records');
          outputs = result;
        }
        stage = 'send';
        if (!sent) {
          await producer.send(outputs);
          sent = true;
        }
        stage = 'commit';
        // Only now, with every output acknowledged, may these offsets count as consumed.
        resolveOffset(lastOffset);
        // The payload's commit goes straight to the group coordinator; consumer.commitOffsets() would silently
        // skip the commit once stop() was called, losing the commit of the chunk we finish during shutdown.
        await commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset: nextOffset(lastOffset) }] }] });
        committed = true;
      } catch (err) {
        if (stage !== 'transform' && isRebalance(err)) {
          if (state.retrying.delete(tp)) refreshReady();
          logger.info('group rebalancing; the uncommitted chunk will be redelivered', {
            component: COMPONENT, groupId, topic, partition, firstOffset, lastOffset, code: classifyError(err).code,
          });
          throw err;
        }
        const { retriable, code } =
          stage === 'transform' ? { retriable: true, code: 'TRANSFORM_FAILED' } : classifyError(err);
        if (!retriable) {
          state.retrying.delete(tp);
          fail(
            new KafkaAdapterError(
              `${stage} failed on ${tp} at offsets ${firstOffset}..${lastOffset}: ${describeError(err).errorMessage}`,
              { code, canRetry: false, cause: err },
            ),
          );
          return false;
        }
        attempt += 1;
        const delayMs = backoffDelay(attempt, resolved.retry);
        const meta = {
          component: COMPONENT, groupId, topic, partition, firstOffset, lastOffset, stage, code, attempt, delayMs,
          ...describeError(err),
        };
        // A throwing transform is a bug (bad data is dead-lettered, not thrown): loud. Infrastructure: a warning.
        if (stage === 'transform') logger.error('transform threw; retrying the chunk, nothing committed', meta);
        else logger.warn(`${stage} failed; retrying the chunk, nothing committed past acknowledged records`, meta);
        state.retrying.set(tp, `${stage} ${code}`);
        refreshReady();
        guard('onRetry', () => hooks.onRetry?.({ attempt, delayMs, error: err, code, stage, topic, partition }));
        if (keepGoing()) await sleeper.sleep(delayMs);
        if (!keepGoing()) {
          // Stopping or the partition moved: leave the chunk uncommitted; it is redelivered.
          if (state.retrying.delete(tp)) refreshReady();
          return false;
        }
        await heartbeatOrRejoin(heartbeat);
      }
    }

    if (state.retrying.delete(tp)) refreshReady();
    const info: ChunkInfo = {
      topic,
      partition,
      records: records.length,
      outputs: outputs?.length ?? 0,
      durationMs: Date.now() - started,
      firstOffset,
      lastOffset,
      highWatermark: batch.highWatermark,
      retries: attempt,
    };
    guard('onChunk', () => hooks.onChunk?.(info));
    return true;
  }

  /** Partitions without a bound, or at their bound, are not fetched. */
  function pauseOutOfBounds(assigned: readonly number[]): void {
    const partitions = assigned.filter((p) => !bounds?.has(p) || reached.has(p));
    if (partitions.length > 0) consumer.pause([{ topic: boundedTopic, partitions }]);
  }

  function reach(partition: number, why: string): void {
    if (!bounds || reached.has(partition)) return;
    reached.add(partition);
    logger.info('partition reached its bound', { component: COMPONENT, groupId, topic: boundedTopic, partition, stopAt: String(bounds.get(partition)), why });
    if (state.started) consumer.pause([{ topic: boundedTopic, partitions: [partition] }]);
    if ([...bounds.keys()].every((p) => reached.has(p))) settleFinished?.resolve(true);
  }

  /** Where the group stands on each bounded partition before the start: bounds already reached count as reached. */
  async function reachAtStart(): Promise<void> {
    if (!bounds) return;
    const admin = options.client.admin();
    await admin.connect();
    try {
      const [offsets, committed] = await Promise.all([admin.topicOffsets(boundedTopic), admin.committedOffsets(groupId, boundedTopic)]);
      const byPartition = new Map(offsets.map((o) => [o.partition, o]));
      for (const [partition, bound] of bounds) {
        const o = byPartition.get(partition);
        if (!o) {
          reach(partition, 'the topic has no such partition');
          continue;
        }
        const position = committed.get(partition) ?? (options.fromBeginning ? o.low : o.high);
        if (position >= bound) reach(partition, 'the group is already there');
        // Nothing below the bound is retained any more (retention passed it).
        else if (o.low >= bound) reach(partition, 'no record below the bound is retained');
      }
    } finally {
      await admin.disconnect();
    }
  }

  async function eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, isRunning, isStale, heartbeat } = payload;
    const keepGoing = () => isRunning() && !isStale() && !state.fatal;
    let messages = batch.messages;
    const bound = bounds?.get(batch.partition);
    if (bounds) {
      if (bound === undefined || reached.has(batch.partition)) {
        consumer.pause([{ topic: batch.topic, partitions: [batch.partition] }]);
        return;
      }
      messages = messages.filter((m) => BigInt(m.offset) < bound);
    }
    for (const part of chunk(messages, resolved.maxRecordsPerChunk)) {
      if (!keepGoing()) return;
      const committed = await processChunk(payload, part, keepGoing);
      if (!committed) return;
      await heartbeatOrRejoin(heartbeat);
    }
    if (bound !== undefined) {
      // Everything below the bound in this batch is committed. The bound is reached when the last record was the
      // one just below it, or when the batch held records at or past it (nothing else lies below the bound).
      const last = batch.messages[batch.messages.length - 1];
      if (last !== undefined && BigInt(last.offset) + 1n >= bound) reach(batch.partition, 'processed up to the bound');
    }
  }

  async function shutdown(): Promise<void> {
    const work = (async () => {
      // disconnect() stops the runner first, which waits for the in-flight eachBatch: the chunk being processed
      // is sent and committed, the rest of its batch is left for the next owner of the partition.
      await consumer.disconnect().catch((err: unknown) =>
        logger.warn('consumer disconnect failed', { component: COMPONENT, groupId, ...describeError(err) }),
      );
      if (ownProducer) await producer.disconnect();
    })();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), resolved.stopTimeoutMs);
    });
    const outcome = await Promise.race([work.then(() => 'done' as const), timeout]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      logger.warn('stop timed out; uncommitted records will be redelivered', { component: COMPONENT, groupId, stopTimeoutMs: resolved.stopTimeoutMs });
    }
    state.joined = false;
    refreshReady();
  }

  let stopping: Promise<void> | undefined;

  return {
    async start() {
      if (state.started) return;
      if (state.stopping || state.fatal) throw new KafkaAdapterError('a stopped batch consumer cannot be restarted', { code: 'STOPPED', canRetry: false });
      try {
        if (!producer.isConnected()) await producer.connect();
        await reachAtStart();
        await consumer.connect();
        await consumer.subscribe({ topics: [...options.topics], fromBeginning: options.fromBeginning ?? false });
        state.started = true;
        await consumer.run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 1,
          eachBatch,
        });
      } catch (err) {
        state.started = false;
        await consumer.disconnect().catch(() => undefined);
        if (ownProducer) await producer.disconnect();
        const error = toAdapterError(err, 'batch consumer start failed');
        settleFinished?.reject(error);
        throw error;
      }
      refreshReady();
    },

    stop() {
      if (!stopping) {
        state.stopping = true;
        refreshReady();
        sleeper.wakeAll();
        stopping = shutdown().then(() => {
          if (state.fatal) settleDone?.reject(state.fatal);
          else settleDone?.resolve();
          settleFinished?.resolve(false);
        });
      }
      return stopping;
    },

    isReady() {
      const why = reasons();
      return { ready: why.length === 0, reasons: why };
    },

    assignments() {
      return state.assignment.map((a) => ({ topic: a.topic, partitions: [...a.partitions] }));
    },

    done,
    finished,
  };
}
