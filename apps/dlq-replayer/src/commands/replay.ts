import {
  createTransactionalProducer,
  DLQ_TOPIC_CONFIG,
  KafkaAdapterError,
  readPartitions,
  type AdminClient,
  type ConsumedRecord,
  type KafkaClient,
  type LoggerLike,
  type OutgoingRecord,
  type TransactionalProducer,
} from '@login/kafka';
import { EXIT, type ReplayConfig } from '../config';
import { headerLabel } from '../core/terminal-text';
import { planRecord, type DestinationLimits, type PlannedRecord, type PlanOptions } from '../core/replay-plan';
import { formatReport, newReport, type ReplayReport } from '../core/report';
import {
  chunkSize,
  committedPositions,
  foldChunk,
  progressDetail,
  replayOutcome,
  reportJson,
} from '../core/replay-run';
import { awaitCommitted, captureRanges, remaining, type PartitionRange } from '../adapters/dlq-reader';
import type { ReplayerMetrics } from '@login/observability';
import type { Progress } from '../adapters/progress';
import { createRateLimiter } from '@login/cli';

export interface ReplayDeps {
  readonly client: KafkaClient;
  readonly logger: LoggerLike;
  readonly stdout: { write(text: string): unknown };
  readonly runId: string;
  readonly now: () => number;
  readonly metrics?: ReplayerMetrics;
  readonly progress: (total: number) => Progress;
  /**
   * Aborted on SIGINT/SIGTERM: the run commits the records of the current chunk it has already handled (a
   * transaction of a few hundred records at most), stops reading, prints its report and returns.
   */
  readonly signal: AbortSignal;
  /** Writes the JSON report file (main gives fs; tests a stub). */
  readonly writeFile: (path: string, text: string) => Promise<void>;
  /** Called when the run is ready (producer fenced in, ranges captured, reading). */
  readonly onReady?: (ready: () => boolean) => void;
  /** Awaited after each chunk was committed (a dry run: handled), before the next one is read. */
  readonly afterChunk?: (chunk: {
    readonly partition: number;
    readonly records: number;
    readonly next: bigint;
  }) => Promise<void>;
}

export interface ReplayOutcome {
  readonly report: ReplayReport;
  readonly exitCode: number;
}

/**
 * The transactional id of the replay runs of `group`. One live producer per id is Kafka's own fencing: a run that
 * starts takes the id over, which aborts whatever transaction an earlier run left open and makes every later
 * transaction of that run fail, so two runs can never both commit.
 */
export function transactionalIdFor(group: string): string {
  return `dlq-replayer.${group}`;
}

/** The code of the first KafkaAdapterError in `error`'s cause chain (the reader wraps what onBatch throws). */
function adapterCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof KafkaAdapterError && e.code !== 'HANDLER_FAILED') return e.code;
  }
  return undefined;
}

async function checkTopics(admin: AdminClient, config: ReplayConfig): Promise<number> {
  const dlq = await admin.topicEndOffsets(config.dlqTopic).catch((error: unknown) => {
    throw new Error(`the DLQ topic "${config.dlqTopic}" cannot be read: ${String(error)}`);
  });
  await admin.topicEndOffsets(config.inputTopic).catch((error: unknown) => {
    throw new Error(`the replay target (input topic) "${config.inputTopic}" cannot be read: ${String(error)}`);
  });
  return dlq.size;
}

/**
 * The destinations' record batch limits. A dry run creates nothing: for a parked topic that does not exist yet it
 * assumes the configuration a real run would create it with.
 */
async function destinationLimits(
  admin: AdminClient,
  config: ReplayConfig,
  partitions: number,
): Promise<DestinationLimits> {
  // The parked topic holds DLQ records unchanged plus three headers: it takes what the DLQ takes, and it is a raw-PII
  // copy, so it gets the DLQ's explicit retention too, never the broker's default. Created rather than refused: a
  // replay during an incident should not stop for a missing topic. An existing topic is left as its owners made it.
  const parkedConfig: Readonly<Record<string, string>> = DLQ_TOPIC_CONFIG;
  if (!config.dryRun) await admin.ensureTopics([{ topic: config.parkedTopic, partitions, config: parkedConfig }]);
  const parkedExists = await admin.topicEndOffsets(config.parkedTopic).then(
    () => true,
    () => false,
  );
  return {
    targetMaxBytes: await admin.maxMessageBytes(config.inputTopic),
    parkedMaxBytes: parkedExists
      ? await admin.maxMessageBytes(config.parkedTopic)
      : Number(parkedConfig['max.message.bytes']),
  };
}

/**
 * The replay command: bounded by the end offsets captured at start, exactly-once by transactions (each chunk's
 * re-published and parked records are committed together with the DLQ offsets that pass them), one run per group
 * by the transactional id. Returns the final report and the exit code; rejects when the run failed (after printing
 * the report of what it committed).
 */
export async function runReplay(config: ReplayConfig, deps: ReplayDeps): Promise<ReplayOutcome> {
  const { client, logger, runId } = deps;
  const admin = client.admin();
  await admin.connect();
  let producer: TransactionalProducer | undefined;
  let ranges: PartitionRange[];
  let limits: DestinationLimits;
  try {
    const partitions = await checkTopics(admin, config);
    limits = await destinationLimits(admin, config, partitions);
    if (!config.dryRun) {
      producer = createTransactionalProducer(client, { transactionalId: transactionalIdFor(config.group) });
      // initTransactions: from here on, an earlier run still going on this group can no longer commit anything,
      // and whatever it left open has been aborted.
      await producer.connect();
    }
    // Captured after taking the id over: the group's offsets now include every committed transaction of any run.
    ranges = await captureRanges(admin, config.dlqTopic, config.group);
  } catch (error) {
    await producer?.disconnect();
    await admin.disconnect();
    throw error;
  }

  const planOptions: PlanOptions = {
    selection: config.selection,
    includeNonRetryable: config.includeNonRetryable,
    maxReplays: config.maxReplays,
    inputTopic: config.inputTopic,
    dlqTopic: config.dlqTopic,
    outputTopic: config.outputTopic,
    parkedTopic: config.parkedTopic,
  };
  const report = newReport({
    runId,
    dryRun: config.dryRun,
    dlqTopic: config.dlqTopic,
    targetTopic: config.inputTopic,
    parkedTopic: config.parkedTopic,
    group: config.group,
    startedAt: new Date(deps.now()).toISOString(),
    partitions: ranges.map((r) => ({ partition: r.partition, start: r.start.toString(), end: r.end.toString() })),
  });
  const total = remaining(ranges);
  const progress = deps.progress(total);
  const endOf = new Map(ranges.map((r) => [r.partition, r.end]));
  const limiter = createRateLimiter(config.dryRun ? undefined : config.rate);
  // Stops the read: a signal, or --max reached.
  const maxReached = new AbortController();
  const stop = AbortSignal.any([deps.signal, maxReached.signal]);
  let beyondEnd = 0;
  let reading = false;
  let committedChunks = 0;
  deps.metrics?.remaining(total);

  const moved = () => report.replayed.total + report.parked.total;
  const atMax = (extra: number) => config.max !== undefined && moved() + extra >= config.max;

  /** Counts a chunk once it is committed: its outcomes travel with it, never through shared state. */
  const fold = (partition: number, planned: readonly PlannedRecord[], next: bigint) => {
    beyondEnd += foldChunk(report, partition, planned, next, endOf);
    for (const { view, decision } of planned) {
      deps.metrics?.counted(decision.action, headerLabel(view.reason), decision.reason);
    }
    deps.metrics?.read(planned.length);
    deps.metrics?.remaining(Math.max(0, total - report.read));
    progress.update(report.read, progressDetail(report));
  };

  const onBatch = async (records: readonly ConsumedRecord[]) => {
    const first = records[0];
    if (first === undefined) return;
    const run = { runId, nowMs: deps.now(), lineageKey: config.lineageKey };
    const planned: PlannedRecord[] = [];
    let movedHere = 0;
    let next: bigint | undefined;
    for (const record of records) {
      if (stop.aborted || atMax(movedHere)) break;
      const plan = planRecord(record, planOptions, limits, run);
      if (plan.outgoing) {
        await limiter.take(stop);
        // Stopped while waiting for the rate: this record is left for the next run, the ones before are committed.
        if (stop.aborted) break;
        movedHere += 1;
      }
      planned.push(plan);
      next = BigInt(record.offset) + 1n;
    }
    if (next === undefined) return;
    if (producer) {
      const outgoing = planned.flatMap((p): OutgoingRecord[] => (p.outgoing ? [p.outgoing] : []));
      await producer.commitTransaction(outgoing, {
        groupId: config.group,
        offsets: [{ topic: config.dlqTopic, partition: first.partition, offset: next }],
      });
      committedChunks += 1;
    }
    fold(first.partition, planned, next);
    await deps.afterChunk?.({ partition: first.partition, records: planned.length, next });
    if (atMax(0)) maxReached.abort();
  };

  deps.onReady?.(() => reading && !stop.aborted);
  logger.info('reading the DLQ from the group position up to the end offsets captured at start', {
    component: 'replay',
    topic: config.dlqTopic,
    group: config.group,
    records: total,
    dryRun: config.dryRun,
  });
  let failure: unknown;
  let complete = false;
  let stoppedEarly = false;
  try {
    const result = await readPartitions({
      client,
      logger,
      topic: config.dlqTopic,
      ranges,
      signal: stop,
      maxRecordsPerBatch: chunkSize(config.rate),
      onReading: () => {
        reading = true;
      },
      onBatch,
    });
    complete = result.complete;
    stoppedEarly = stop.aborted;
  } catch (error) {
    failure = error;
  } finally {
    progress.finish();
  }
  const fenced = failure !== undefined && adapterCode(failure) === 'PRODUCER_FENCED';
  try {
    if (producer && committedChunks > 0 && !fenced) {
      if (!(await awaitCommitted(admin, config.group, config.dlqTopic, committedPositions(report)))) {
        logger.warn('the committed offsets did not show in the group within 10 s', {
          component: 'replay',
          group: config.group,
        });
      }
    }
  } finally {
    await producer?.disconnect();
    await admin.disconnect();
  }

  report.outcome = replayOutcome({
    fenced,
    failed: failure !== undefined,
    complete,
    stoppedEarly,
    maxReached: maxReached.signal.aborted,
  });
  report.finishedAt = new Date(deps.now()).toISOString();
  const json = reportJson(report, beyondEnd);
  if (beyondEnd > 0) {
    // The read is bounded by the captured end offsets: this would be a bug, never a normal outcome.
    logger.error('records appended after the run started were handled', { component: 'replay', count: beyondEnd });
  }
  deps.stdout.write(config.json ? json : formatReport(report));
  if (config.reportFile) await deps.writeFile(config.reportFile, json);
  if (fenced) return { report, exitCode: EXIT.busy };
  if (failure !== undefined) throw failure;
  return { report, exitCode: report.outcome === 'interrupted' ? EXIT.failure : EXIT.ok };
}
