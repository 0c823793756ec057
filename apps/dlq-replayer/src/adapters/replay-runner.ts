// The read-and-commit loop of one replay run, in the shape of kafkajs's consumer runner: the collaborators come in
// through the constructor, each step is a method; the decisions are core/'s (replay-plan, replay-run).
import {
  type ConsumedRecord,
  type KafkaClient,
  type LoggerLike,
  type OutgoingRecord,
  type TransactionalProducer,
} from '@login/kafka';
import type { RateLimiter } from '@login/cli';
import type { ReplayerMetrics } from '@login/observability';
import type { LineageKey } from '@login/event-schema';
import { headerLabel } from '../core/terminal-text';
import { planRecord, type DestinationLimits, type PlannedRecord, type PlanOptions } from '../core/replay-plan';
import { chunkSize, foldChunk, progressDetail } from '../core/replay-run';
import type { ReplayReport } from '../core/report';
import { remaining, type PartitionRange } from '../adapters/dlq-reader';
import type { Progress } from '../adapters/progress';

export interface ChunkDone {
  readonly partition: number;
  readonly records: number;
  readonly next: bigint;
}

export interface ReplayRunnerOptions {
  readonly planOptions: PlanOptions;
  readonly limits: DestinationLimits;
  readonly group: string;
  readonly lineageKey: LineageKey;
  /** --max: records to move (replay or park) at most. */
  readonly max: number | undefined;
  readonly rate: number | undefined;
  readonly ranges: readonly PartitionRange[];
  /** Undefined in a dry run: nothing is written, nothing committed. */
  readonly producer: TransactionalProducer | undefined;
  readonly report: ReplayReport;
  readonly progress: Progress;
  readonly limiter: RateLimiter;
  readonly runId: string;
  readonly now: () => number;
  readonly metrics: ReplayerMetrics | undefined;
  /** SIGINT/SIGTERM. */
  readonly signal: AbortSignal;
  readonly afterChunk: ((chunk: ChunkDone) => Promise<void>) | undefined;
}

export interface ReadEnded {
  readonly complete: boolean;
  readonly stoppedEarly: boolean;
  /** What the read threw (undefined: it returned). */
  readonly failure: unknown;
}

export class ReplayRunner {
  /** Stops the read: a signal, or --max reached. */
  readonly stop: AbortSignal;
  readonly #maxReached = new AbortController();
  readonly #endOf: ReadonlyMap<number, bigint>;
  readonly #total: number;
  #beyondEnd = 0;
  #reading = false;
  #committedChunks = 0;

  constructor(private readonly options: ReplayRunnerOptions) {
    this.stop = AbortSignal.any([options.signal, this.#maxReached.signal]);
    this.#endOf = new Map(options.ranges.map((r) => [r.partition, r.end]));
    this.#total = remaining(options.ranges);
  }

  /** Reading, and not stopping: the readiness of /readyz. */
  ready(): boolean {
    return this.#reading && !this.stop.aborted;
  }

  get maxReached(): boolean {
    return this.#maxReached.signal.aborted;
  }

  /** Records handled at or after the end captured at start (a bug if ever > 0: the read is bounded). */
  get beyondEnd(): number {
    return this.#beyondEnd;
  }

  get committedChunks(): number {
    return this.#committedChunks;
  }

  /** Reads the DLQ ranges chunk by chunk; never rejects: a failure is returned. */
  async read(client: KafkaClient, logger: LoggerLike, topic: string): Promise<ReadEnded> {
    try {
      const result = await client.readPartitions({
        logger,
        topic,
        ranges: this.options.ranges,
        signal: this.stop,
        maxRecordsPerBatch: chunkSize(this.options.rate),
        onReading: () => {
          this.#reading = true;
        },
        onBatch: (records) => this.handleChunk(records),
      });
      return { complete: result.complete, stoppedEarly: this.stop.aborted, failure: undefined };
    } catch (error) {
      return { complete: false, stoppedEarly: false, failure: error };
    } finally {
      this.options.progress.finish();
    }
  }

  /** One chunk of one partition: planned, committed in one transaction with its DLQ offset, then counted. */
  async handleChunk(records: readonly ConsumedRecord[]): Promise<void> {
    const first = records[0];
    if (first === undefined) return;
    const { planned, next } = await this.planChunk(records);
    if (next === undefined) return;
    await this.commit(first, planned, next);
    this.fold(first.partition, planned, next);
    await this.options.afterChunk?.({ partition: first.partition, records: planned.length, next });
    if (this.atMax(0)) this.#maxReached.abort();
  }

  /** The records of the chunk this run handles, up to a stop, --max or the rate; `next` is the offset after them. */
  private async planChunk(records: readonly ConsumedRecord[]): Promise<{ planned: PlannedRecord[]; next?: bigint }> {
    const { planOptions, limits, runId, lineageKey, limiter } = this.options;
    const run = { runId, nowMs: this.options.now(), lineageKey };
    const planned: PlannedRecord[] = [];
    let movedHere = 0;
    let next: bigint | undefined;
    for (const record of records) {
      if (this.stop.aborted || this.atMax(movedHere)) break;
      const plan = planRecord(record, planOptions, limits, run);
      if (plan.outgoing) {
        await limiter.take(this.stop);
        // Stopped while waiting for the rate: this record is left for the next run, the ones before are committed.
        if (this.stop.aborted) break;
        movedHere += 1;
      }
      planned.push(plan);
      next = BigInt(record.offset) + 1n;
    }
    return next === undefined ? { planned } : { planned, next };
  }

  /** The chunk's re-published and parked records, committed together with the DLQ offset that passes them. */
  private async commit(first: ConsumedRecord, planned: readonly PlannedRecord[], next: bigint): Promise<void> {
    const { producer } = this.options;
    if (!producer) return;
    const outgoing = planned.flatMap((p): OutgoingRecord[] => (p.outgoing ? [p.outgoing] : []));
    await producer.commitTransaction(outgoing, {
      groupId: this.options.group,
      offsets: [{ topic: this.options.planOptions.dlqTopic, partition: first.partition, offset: next }],
    });
    this.#committedChunks += 1;
  }

  /** Counts a chunk once it is committed: its outcomes travel with it, never through shared state. */
  private fold(partition: number, planned: readonly PlannedRecord[], next: bigint): void {
    const { report, metrics } = this.options;
    this.#beyondEnd += foldChunk(report, partition, planned, next, this.#endOf);
    for (const { view, decision } of planned) {
      metrics?.counted(decision.action, headerLabel(view.reason), decision.reason);
    }
    metrics?.read(planned.length);
    metrics?.remaining(Math.max(0, this.#total - report.read));
    this.options.progress.update(report.read, progressDetail(report));
  }

  private atMax(extra: number): boolean {
    const { max, report } = this.options;
    return max !== undefined && report.replayed.total + report.parked.total + extra >= max;
  }
}
