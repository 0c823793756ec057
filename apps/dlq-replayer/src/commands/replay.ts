import type { AdminClient, KafkaClient, LoggerLike, OutgoingRecord, RecordProducer } from '@login/kafka';
import type { ReplayConfig } from '../config';
import { decodeDlqRecord, type DlqRecordView } from '../core/dlq-record';
import { parkedHeaders, replayHeaders } from '../core/lineage';
import { replayDecision, type ReplayDecision, type ReplayOptions } from '../core/replay-decision';
import { countDecision, formatReport, newReport, type ReplayReport } from '../core/report';
import { UNKNOWN } from '../core/inspect';
import { captureRanges, readBounded, remaining, type BoundedRead, type PartitionRange } from '../adapters/dlq-reader';
import type { ReplayerMetrics } from '../adapters/metrics';
import type { Progress } from '../adapters/progress';
import { createRateLimiter } from '../adapters/rate-limiter';
import { acquireRunLock, lockTopicFor, type RunLock } from '../adapters/run-lock';

export interface ReplayDeps {
  readonly client: KafkaClient;
  readonly logger: LoggerLike;
  readonly stdout: { write(text: string): unknown };
  readonly runId: string;
  readonly now: () => number;
  readonly metrics?: ReplayerMetrics;
  readonly progress: (total: number) => Progress;
  /** Registers the handler a SIGINT/SIGTERM calls; the run then stops after its in-flight batch. */
  readonly onInterrupt: (stop: () => void) => void;
  /** Writes the JSON report file (main gives fs; tests a stub). */
  readonly writeFile: (path: string, text: string) => Promise<void>;
  /** Lock timings (tests shorten them). */
  readonly lock?: { heartbeatMs?: number; observeMs?: number };
  /** Called when the run is ready (lock taken, ranges captured, reading). */
  readonly onReady?: (ready: () => boolean) => void;
}

interface Decided {
  readonly view: DlqRecordView;
  readonly decision: ReplayDecision;
  readonly beyondEnd: boolean;
}

function chunkSize(config: ReplayConfig): number {
  // --max is exact only if the runner never hands over records past it: the runner commits whole chunks.
  if (config.max !== undefined) return 1;
  // With --rate, commit about once a second, so an interrupted run loses at most a second of progress.
  if (config.rate !== undefined) return Math.max(1, Math.min(500, Math.floor(config.rate)));
  return 500;
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

/** The replay command: bounded, resumable, one run per group. Returns the final report and the exit code. */
export async function runReplay(config: ReplayConfig, deps: ReplayDeps): Promise<{ report: ReplayReport; exitCode: number }> {
  const { client, logger, runId } = deps;
  const admin = client.admin();
  await admin.connect();
  let producer: RecordProducer | undefined;
  let lock: RunLock | undefined;
  let ranges: PartitionRange[];
  try {
    const partitions = await checkTopics(admin, config);
    if (!config.dryRun) {
      producer = client.producer();
      await producer.connect();
      await admin.ensureTopics([{ topic: config.parkedTopic, partitions }]);
      lock = await acquireRunLock({
        admin,
        producer,
        logger,
        lockTopic: lockTopicFor(config.group),
        group: config.group,
        runId,
        ...(deps.lock ?? {}),
      });
    }
    // Captured after the lock: a run that just finished may have moved the group's offsets.
    ranges = await captureRanges(admin, config.dlqTopic, config.group);
  } catch (error) {
    await lock?.release();
    await producer?.disconnect();
    await admin.disconnect();
    throw error;
  }
  await admin.disconnect();

  const options: ReplayOptions = {
    selection: config.selection,
    includeNonRetryable: config.includeNonRetryable,
    maxReplays: config.maxReplays,
    inputTopic: config.inputTopic,
    dlqTopic: config.dlqTopic,
    outputTopic: config.outputTopic,
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
  let beyondEnd = 0;
  const total = remaining(ranges);
  const progress = deps.progress(total);
  const endOf = new Map(ranges.map((r) => [r.partition, r.end]));
  const limiter = createRateLimiter(config.dryRun ? undefined : config.rate);
  let pending: Decided[] = [];
  let interrupted = false;
  deps.metrics?.remaining(total);

  const fold = (decided: readonly Decided[]) => {
    for (const { view, decision, beyondEnd: beyond } of decided) {
      countDecision(report, view, decision);
      if (beyond) beyondEnd += 1;
      deps.metrics?.counted(decision.action, view.reason ?? UNKNOWN, decision.reason);
    }
    deps.metrics?.read(decided.length);
    deps.metrics?.remaining(Math.max(0, total - report.read));
    progress.update(report.read, { replayed: report.replayed.total, parked: report.parked.total, skipped: report.skipped.total });
  };
  const moved = () => report.replayed.total + report.parked.total;
  const maxReached = (extra: number) => config.max !== undefined && moved() + extra >= config.max;

  // The transform refers to `read` to stop after --max; it only runs once reading started, after this assignment.
  const read: BoundedRead = readBounded({
    client,
    logger,
    topic: config.dlqTopic,
    ranges,
    ...(config.dryRun ? { mode: 'no-commit' as const } : { mode: 'own-group' as const, groupId: config.group }),
    maxRecordsPerChunk: chunkSize(config),
    ...(producer ? { producer } : {}),
    transform: async (records) => {
      const run = { runId, nowMs: deps.now() };
      const out: OutgoingRecord[] = [];
      const decided: Decided[] = [];
      let movedHere = 0;
      for (const record of records) {
        if (config.dryRun && maxReached(movedHere)) break;
        const view = decodeDlqRecord(record);
        const decision = replayDecision(view, options);
        if (decision.action === 'replay') {
          await limiter.take();
          out.push({ topic: decision.target, key: record.key, value: record.value, headers: replayHeaders(record.headers, view, run) });
          movedHere += 1;
        } else if (decision.action === 'park') {
          await limiter.take();
          out.push({ topic: config.parkedTopic, key: record.key, value: record.value, headers: parkedHeaders(record.headers, run) });
          movedHere += 1;
        }
        const end = endOf.get(record.partition);
        decided.push({ view, decision, beyondEnd: end !== undefined && BigInt(record.offset) >= end });
      }
      if (maxReached(movedHere)) read.stop();
      if (config.dryRun) {
        fold(decided);
        return [];
      }
      // Counted once the runner has sent, acknowledged and committed them (onChunk).
      pending = decided;
      return out;
    },
    onChunk: () => {
      if (config.dryRun) return;
      fold(pending);
      pending = [];
    },
  });
  deps.onInterrupt(() => {
    interrupted = true;
    read.stop();
  });
  deps.onReady?.(() => read.isReady());

  let failure: unknown;
  try {
    await read.done;
  } catch (error) {
    failure = error;
  } finally {
    progress.finish();
    await lock?.release();
    await producer?.disconnect();
  }
  report.outcome = failure !== undefined ? 'failed' : interrupted ? 'interrupted' : maxReached(0) ? 'max' : 'complete';
  report.finishedAt = new Date(deps.now()).toISOString();
  const json = { ...report, beyondCapturedEnd: beyondEnd };
  if (beyondEnd > 0) {
    // The read is bounded by the captured end offsets: this would be a bug, never a normal outcome.
    logger.error('records appended after the run started were handled', { component: 'replay', count: beyondEnd });
  }
  deps.stdout.write(config.json ? `${JSON.stringify(json, null, 2)}\n` : formatReport(report));
  if (config.reportFile) await deps.writeFile(config.reportFile, `${JSON.stringify(json, null, 2)}\n`);
  if (failure !== undefined) throw failure;
  return { report, exitCode: report.outcome === 'interrupted' ? 1 : 0 };
}
