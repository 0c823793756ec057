import {
  DLQ_TOPIC_CONFIG,
  KafkaAdapterError,
  type AdminClient,
  type KafkaClient,
  type LoggerLike,
  type TransactionalProducer,
} from '@login/kafka';
import { createRateLimiter } from '@login/cli';
import type { ReplayerMetrics } from '@login/observability';
import { EXIT } from '@login/config';
import type { ReplayConfig } from '../config';
import type { DestinationLimits, PlanOptions } from '../core/replay-plan';
import { formatReport, newReport, type ReplayReport } from '../core/report';
import { committedPositions, replayOutcome, reportJson } from '../core/replay-run';
import { awaitCommitted, captureRanges, remaining, type PartitionRange } from '../adapters/dlq-reader';
import type { Progress } from '../adapters/progress';
import { ReplayRunner, type ChunkDone, type ReadEnded } from './replay-runner';

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
  readonly afterChunk?: (chunk: ChunkDone) => Promise<void>;
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

interface Session {
  readonly admin: AdminClient;
  /** Undefined in a dry run. */
  readonly producer: TransactionalProducer | undefined;
  readonly ranges: PartitionRange[];
  readonly limits: DestinationLimits;
}

/** Checks the topics, takes the group's transactional id over and captures the ranges; on a failure, disconnects. */
async function openSession(client: KafkaClient, config: ReplayConfig): Promise<Session> {
  const admin = client.admin();
  await admin.connect();
  let producer: TransactionalProducer | undefined;
  try {
    const partitions = await checkTopics(admin, config);
    const limits = await destinationLimits(admin, config, partitions);
    if (!config.dryRun) {
      producer = client.transactionalProducer({ transactionalId: transactionalIdFor(config.group) });
      // initTransactions: from here on, an earlier run still going on this group can no longer commit anything,
      // and whatever it left open has been aborted.
      await producer.connect();
    }
    // Captured after taking the id over: the group's offsets now include every committed transaction of any run.
    const ranges = await captureRanges(admin, config.dlqTopic, config.group);
    return { admin, producer, ranges, limits };
  } catch (error) {
    await producer?.disconnect();
    await admin.disconnect();
    throw error;
  }
}

/**
 * Waits until the group shows what the run committed (not after a fence: the other run owns the group now), then
 * disconnects.
 */
async function closeSession(
  { admin, producer }: Session,
  config: ReplayConfig,
  logger: LoggerLike,
  waitFor: ReadonlyMap<number, bigint> | undefined,
): Promise<void> {
  try {
    if (producer && waitFor && !(await awaitCommitted(admin, config.group, config.dlqTopic, waitFor))) {
      logger.warn('the committed offsets did not show in the group within 10 s', {
        component: 'replay',
        group: config.group,
      });
    }
  } finally {
    await producer?.disconnect();
    await admin.disconnect();
  }
}

function planOptionsFor(config: ReplayConfig): PlanOptions {
  return {
    selection: config.selection,
    includeNonRetryable: config.includeNonRetryable,
    maxReplays: config.maxReplays,
    inputTopic: config.inputTopic,
    dlqTopic: config.dlqTopic,
    outputTopic: config.outputTopic,
    parkedTopic: config.parkedTopic,
  };
}

function startReport(config: ReplayConfig, deps: ReplayDeps, ranges: readonly PartitionRange[]): ReplayReport {
  return newReport({
    runId: deps.runId,
    dryRun: config.dryRun,
    dlqTopic: config.dlqTopic,
    targetTopic: config.inputTopic,
    parkedTopic: config.parkedTopic,
    group: config.group,
    startedAt: new Date(deps.now()).toISOString(),
    partitions: ranges.map((r) => ({ partition: r.partition, start: r.start.toString(), end: r.end.toString() })),
  });
}

function createRunner(config: ReplayConfig, deps: ReplayDeps, session: Session, report: ReplayReport): ReplayRunner {
  return new ReplayRunner({
    planOptions: planOptionsFor(config),
    limits: session.limits,
    group: config.group,
    lineageKey: config.lineageKey,
    max: config.max,
    rate: config.rate,
    ranges: session.ranges,
    producer: session.producer,
    report,
    progress: deps.progress(remaining(session.ranges)),
    limiter: createRateLimiter(config.dryRun ? undefined : config.rate),
    runId: deps.runId,
    now: deps.now,
    metrics: deps.metrics,
    signal: deps.signal,
    afterChunk: deps.afterChunk,
  });
}

/** Sets the outcome, prints the report (and writes the report file), and maps the outcome to an exit code. */
async function finishRun(
  config: ReplayConfig,
  deps: ReplayDeps,
  report: ReplayReport,
  runner: ReplayRunner,
  { fenced, ended }: { fenced: boolean; ended: ReadEnded },
): Promise<ReplayOutcome> {
  const { failure } = ended;
  report.outcome = replayOutcome({ ...ended, fenced, failed: failure !== undefined, maxReached: runner.maxReached });
  report.finishedAt = new Date(deps.now()).toISOString();
  const json = reportJson(report, runner.beyondEnd);
  if (runner.beyondEnd > 0) {
    // The read is bounded by the captured end offsets: this would be a bug, never a normal outcome.
    deps.logger.error('records appended after the run started were handled', {
      component: 'replay',
      count: runner.beyondEnd,
    });
  }
  deps.stdout.write(config.json ? json : formatReport(report));
  if (config.reportFile) await deps.writeFile(config.reportFile, json);
  if (fenced) return { report, exitCode: EXIT.busy };
  if (failure !== undefined) throw failure;
  return { report, exitCode: report.outcome === 'interrupted' ? EXIT.failure : EXIT.ok };
}

/**
 * The replay command: bounded by the end offsets captured at start, exactly-once by transactions (each chunk's
 * re-published and parked records are committed together with the DLQ offsets that pass them), one run per group
 * by the transactional id. Returns the final report and the exit code; rejects when the run failed (after printing
 * the report of what it committed).
 */
export async function runReplay(config: ReplayConfig, deps: ReplayDeps): Promise<ReplayOutcome> {
  const { client, logger } = deps;
  const session = await openSession(client, config);
  const report = startReport(config, deps, session.ranges);
  const runner = createRunner(config, deps, session, report);
  const total = remaining(session.ranges);
  deps.metrics?.remaining(total);
  deps.onReady?.(() => runner.ready());
  logger.info('reading the DLQ from the group position up to the end offsets captured at start', {
    component: 'replay',
    topic: config.dlqTopic,
    group: config.group,
    records: total,
    dryRun: config.dryRun,
  });
  const ended = await runner.read(client, logger, config.dlqTopic);
  const fenced = ended.failure !== undefined && adapterCode(ended.failure) === 'PRODUCER_FENCED';
  const moved = runner.committedChunks > 0 && !fenced;
  await closeSession(session, config, logger, moved ? committedPositions(report) : undefined);
  return finishRun(config, deps, report, runner, { fenced, ended });
}
