import { createTokenBucket } from '@login/cli';
import type { Clock, TokenBucket } from '@login/cli';
import type { EventBuilder, GeneratedRecord } from './event-builder';
import type { BatchTally, RunStats } from './stats';
import { tally } from './stats';
import type { StopCause } from './summary';

/** Where batches go: Kafka, or stdout in a dry run. Resolves when the batch is acknowledged (or written). */
export interface RecordSink {
  send(records: readonly GeneratedRecord[]): Promise<void>;
}

export interface GenerateOptions {
  /** Stop after this many records (undefined: no limit). */
  readonly count?: number;
  /** Stop after this long (undefined: no limit). */
  readonly durationMs?: number;
  /** Events per second; 0 = as fast as the sink takes them. */
  readonly rate: number;
  readonly batchSize: number;
  /** Batches awaiting acknowledgement at most; the loop waits for one to finish before building the next. */
  readonly maxInFlight: number;
}

export interface GenerateDeps {
  readonly builder: EventBuilder;
  readonly sink: RecordSink;
  readonly stats: RunStats;
  /** Drives the rate and the duration (monotonic in production). */
  readonly clock: Clock;
  /** Epoch ms for the event times (default: `clock`). */
  readonly wallClock?: Clock;
  /** Resolves after `ms`, or early when `signal` aborts. `sleep(0)` yields to the event loop. */
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Aborted by SIGTERM/SIGINT: stop generating, then flush. */
  readonly signal: AbortSignal;
  /** Called when a batch is handed to the sink and when one settles (for metrics and progress). */
  readonly onBatch?: (event: 'sent' | 'acknowledged' | 'failed', batch: BatchTally) => void;
}

export interface GenerateResult {
  readonly stoppedBy: StopCause;
  readonly startedAt: number;
  readonly endedAt: number;
}

/** How long a throttled sender waits to fill a batch at most: small batches often, rather than bursts. */
export const LINGER_MS = 50;

/** The rate limiter for `rate` events/s, or undefined when unthrottled. */
export function rateLimiterFor(
  rate: number,
  batchSize: number,
  clock: Clock,
): { bucket: TokenBucket; chunk: number } | undefined {
  if (rate <= 0) return undefined;
  // Send when LINGER_MS worth of tokens are there (or a full batch), and let a stall be caught up within ~1 s
  // so the average rate holds when the broker pauses briefly.
  const chunk = Math.max(1, Math.min(batchSize, Math.ceil((rate * LINGER_MS) / 1000)));
  // The first chunk is there at once: a run of T seconds sends rate × T events, not one linger fewer.
  return {
    bucket: createTokenBucket({ ratePerSecond: rate, capacity: Math.max(chunk, rate), clock, initial: chunk }),
    chunk,
  };
}

/**
 * The generator loop: builds batches, throttled by a token bucket, and hands them to the sink with at most
 * `maxInFlight` unacknowledged; never awaits a send per event. On abort it stops building and waits for every
 * in-flight batch before it returns, so everything generated is acknowledged or counted as failed.
 */
export async function generate(options: GenerateOptions, deps: GenerateDeps): Promise<GenerateResult> {
  const { builder, sink, stats, clock, sleep, signal, onBatch } = deps;
  const wallClock = deps.wallClock ?? clock;
  const startedAt = clock.now();
  const deadline = options.durationMs === undefined ? Number.POSITIVE_INFINITY : startedAt + options.durationMs;
  const limiter = rateLimiterFor(options.rate, options.batchSize, clock);
  const inFlight = new Set<Promise<void>>();
  let generated = 0;
  let stoppedBy: StopCause = 'signal';

  for (;;) {
    if (signal.aborted) break;
    if (options.count !== undefined && generated >= options.count) {
      stoppedBy = 'count';
      break;
    }
    if (clock.now() >= deadline) {
      stoppedBy = 'duration';
      break;
    }
    if (inFlight.size >= options.maxInFlight) {
      await Promise.race(inFlight);
      continue;
    }
    let n = Math.min(options.batchSize, options.count === undefined ? options.batchSize : options.count - generated);
    if (limiter) {
      const wait = limiter.bucket.msUntil(Math.min(n, limiter.chunk));
      if (wait > 0) {
        await sleep(Math.min(wait, Math.max(0, deadline - clock.now())), signal);
        continue;
      }
      n = limiter.bucket.take(n);
    }
    const now = wallClock.now();
    const records: GeneratedRecord[] = new Array<GeneratedRecord>(n);
    for (let i = 0; i < n; i++) records[i] = builder.next(now);
    generated += n;
    stats.generated(n);
    const batch = tally(records);
    onBatch?.('sent', batch);
    const pending: Promise<void> = sink.send(records).then(
      () => {
        stats.acknowledged(batch);
        onBatch?.('acknowledged', batch);
      },
      (error: unknown) => {
        stats.failed(batch, error);
        onBatch?.('failed', batch);
      },
    );
    const tracked = pending.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
    // Let timers, signals and I/O callbacks run even when the sink answers at once (dry run, fast broker).
    await sleep(0, signal);
  }
  await Promise.all(inFlight);
  return { stoppedBy, startedAt, endedAt: clock.now() };
}
