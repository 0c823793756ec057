import type { Writable } from 'node:stream';
import { EXIT, PACKAGE_VERSION, kafkaSecurity, kafkaSecurityWarning } from '@login/config';
import { createGeneratorMetrics, createLogger, reportPortInUse, startHttpServer } from '@login/observability';
import type { GeneratorMetrics, Logger, RunningHttpServer } from '@login/observability';
import { createDryRunSink } from './adapters/dry-run-sink';
import { createKafkaSink } from './adapters/kafka-sink';
import type { KafkaSink } from './adapters/kafka-sink';
import { createProgressReporter } from './adapters/progress';
import { ConfigError, HTTP_PORT_SETTING, helpText, kindsText, loadGeneratorConfig, versionText } from './config';
import type { GeneratorConfig } from './config';
import { createEventBuilder } from './core/event-builder';
import { createFakerSource } from './core/faker-source';
import { generate } from './core/generate';
import { MALFORMED_KINDS } from './core/malformed';
import type { RecordSink } from './core/generate';
import type { ProgressState } from './core/progress-format';
import { createRateMeter, createRunStats } from './core/stats';
import type { RunSummary } from './core/summary';
import { buildSummary, formatSummary } from './core/summary';

export interface CliIo {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: Writable;
  readonly stderr: NodeJS.WriteStream | Writable;
  /** Aborted on SIGTERM/SIGINT: stop generating, flush, summarise. */
  readonly signal: AbortSignal;
}

/** The exit code, and for in-process callers (tests) the run's summary. */
export interface CliResult {
  readonly exitCode: number;
  readonly summary?: RunSummary;
}

const isTty = (s: unknown): s is NodeJS.WriteStream => (s as NodeJS.WriteStream).isTTY === true;

/** The command line behind `node main.js`: parse the configuration, answer --help and the like, or run. */
export async function runCli(io: CliIo): Promise<CliResult> {
  let loaded;
  try {
    loaded = loadGeneratorConfig({ argv: io.argv, env: io.env });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stderr.write(error.problems.map((p) => `generator: ${p}\n`).join(''));
    return { exitCode: EXIT.usage };
  }
  if (loaded.action === 'help') {
    io.stdout.write(helpText() + '\n');
    return { exitCode: EXIT.ok };
  }
  if (loaded.action === 'version') {
    io.stdout.write(versionText() + '\n');
    return { exitCode: EXIT.ok };
  }
  if (loaded.action === 'list-kinds') {
    io.stdout.write(kindsText() + '\n');
    return { exitCode: EXIT.ok };
  }
  return run(loaded.config, io);
}

/** Warns once, before connecting, when SASL runs without TLS. */
function warnIfInsecure(logger: Logger, config: GeneratorConfig): void {
  const security = kafkaSecurity(config.kafka);
  const warning = kafkaSecurityWarning(security);
  if (warning !== undefined) logger.warn(warning, { kafkaSecurity: security });
}

/** What `run` writes to and stops on. */
export type RunDeps = Omit<CliIo, 'argv' | 'env'>;

/**
 * Runs the generator with a parsed configuration until its count or duration, or until `io.signal` aborts. Never
 * calls process.exit: the code it resolves to is main.ts's to exit with.
 */
export async function run(config: GeneratorConfig, io: RunDeps): Promise<CliResult> {
  // Logs go to stderr: stdout carries data only (the dry run's records, the --json summary).
  const logger: Logger = createLogger({
    app: 'generator',
    level: config.logLevel,
    format: config.logFormat,
    component: 'generator',
    destination: io.stderr,
  });
  const stop = stopSignal(config, io);
  const metrics: GeneratorMetrics | undefined =
    config.httpPort > 0
      ? createGeneratorMetrics({ targetRate: config.rate, kinds: producibleKinds(config), version: PACKAGE_VERSION })
      : undefined;
  let kafkaSink: KafkaSink | undefined;
  let server: RunningHttpServer | undefined;
  const cleanup = async () => {
    stop.detach();
    await kafkaSink?.disconnect();
    await server?.close();
  };

  try {
    if (metrics) server = await startStatusServer(config, metrics, logger, () => kafkaSink?.isConnected() === true);
    let sink: RecordSink;
    if (config.dryRun) {
      sink = createDryRunSink(io.stdout);
    } else {
      kafkaSink = await connectKafkaSink(config, logger);
      sink = kafkaSink;
    }
    logGenerating(logger, config);
    const summary = await generateAll(config, { io, logger, metrics, sink, stop });
    await cleanup();
    return { exitCode: summary.failed > 0 && !stop.stdoutClosed() ? EXIT.failure : EXIT.ok, summary };
  } catch (error) {
    const exitCode = reportFailure(error, logger);
    // The failure is logged above; a cleanup that fails after it must not replace it.
    await cleanup().catch((cleanupError: unknown) =>
      logger.debug('cleanup after the failure failed too', { error: cleanupError }),
    );
    return { exitCode };
  }
}

/** Logs why the run failed; returns the exit code. */
function reportFailure(error: unknown, logger: Logger): number {
  // A taken --http-port is the operator's to fix, like a bad flag: one line and exit 2, as in every app.
  if (reportPortInUse(error, logger)) return EXIT.usage;
  logger.error('generator failed', { error });
  return EXIT.failure;
}

/** The run's own stop: the caller's signal (SIGTERM), or a closed stdout in a dry run (`… | head`). */
interface RunStop {
  readonly signal: AbortSignal;
  stdoutClosed(): boolean;
  /** Removes the listeners `stopSignal` added. */
  detach(): void;
}

function stopSignal(config: GeneratorConfig, io: RunDeps): RunStop {
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  if (io.signal.aborted) stop.abort();
  io.signal.addEventListener('abort', onAbort, { once: true });
  // `generator --dry-run | head`: the reader left; stop quietly, as Unix tools do, rather than fail.
  let stdoutClosed = false;
  const onStdoutError = (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') return;
    stdoutClosed = true;
    stop.abort();
  };
  if (config.dryRun) io.stdout.on('error', onStdoutError);
  return {
    signal: stop.signal,
    stdoutClosed: () => stdoutClosed,
    detach: () => {
      io.signal.removeEventListener('abort', onAbort);
      if (config.dryRun) io.stdout.off('error', onStdoutError);
    },
  };
}

/** /metrics, /healthz and /readyz; ready once the producer is connected (a dry run always is). */
async function startStatusServer(
  config: GeneratorConfig,
  metrics: GeneratorMetrics,
  logger: Logger,
  connected: () => boolean,
): Promise<RunningHttpServer> {
  return startHttpServer({
    port: config.httpPort,
    host: config.httpHost,
    maxConnections: config.httpMaxConnections,
    setting: HTTP_PORT_SETTING,
    registry: metrics.registry,
    liveness: () => true,
    readiness: () =>
      config.dryRun || connected() ? { ready: true } : { ready: false, reasons: ['producer not connected'] },
    logger,
  });
}

async function connectKafkaSink(config: GeneratorConfig, logger: Logger): Promise<KafkaSink> {
  warnIfInsecure(logger, config);
  const sink = createKafkaSink(
    { ...config.kafka, brokers: [...config.kafka.brokers] },
    config.topic,
    logger.child({ component: 'kafka' }),
  );
  await sink.connect();
  return sink;
}

function logGenerating(logger: Logger, config: GeneratorConfig): void {
  logger.info('generating', {
    topic: config.dryRun ? '(dry run: stdout)' : config.topic,
    // A dry run connects to nothing.
    kafkaSecurity: config.dryRun ? null : kafkaSecurity(config.kafka),
    rate: config.rate === 0 ? 'unthrottled' : config.rate,
    count: config.count ?? null,
    durationMs: config.durationMs ?? null,
    seed: config.seed,
    users: config.users,
    invalidRatio: config.invalidRatio,
    invalidKinds: config.invalidKinds.length === 0 ? 'all' : config.invalidKinds.map((k) => k.name),
    batchSize: config.batchSize,
    maxInFlight: config.maxInFlight,
  });
}

/** What one generation needs besides its configuration. */
interface GenerationParts {
  readonly io: RunDeps;
  readonly logger: Logger;
  readonly metrics: GeneratorMetrics | undefined;
  readonly sink: RecordSink;
  readonly stop: RunStop;
}

/** Generates until the count, the duration or a stop, with progress and metrics; returns the summary it wrote. */
async function generateAll(config: GeneratorConfig, parts: GenerationParts): Promise<RunSummary> {
  const { io, logger, metrics, sink, stop } = parts;
  const stats = createRunStats();
  const inFlight = { batches: 0 };
  const watch = watchProgress(config, { io, logger, metrics, stats, inFlight });
  const result = await generate(generateOptions(config), {
    builder: createEventBuilder(eventBuilderOptions(config), createFakerSource),
    sink,
    stats,
    clock: { now: () => performance.now() },
    wallClock: { now: () => Date.now() },
    sleep,
    signal: stop.signal,
    onBatch: (event, batch) => {
      if (event === 'sent') {
        inFlight.batches += 1;
        return;
      }
      inFlight.batches -= 1;
      metrics?.batch();
      if (event === 'acknowledged') for (const [kind, n] of batch.byKind) metrics?.produced(kind, n);
      else metrics?.sendError(batch.records);
    },
  });
  watch.stop();
  if (stop.stdoutClosed()) logger.info('stdout closed: generation stopped');
  else if (stop.signal.aborted) logger.info('stop requested: generation stopped, in-flight batches flushed');

  const summary = buildSummary(stats.totals, {
    seed: config.seed,
    topic: config.topic,
    dryRun: config.dryRun,
    stoppedBy: result.stoppedBy,
    targetRate: config.rate,
    durationMs: result.endedAt - result.startedAt,
  });
  logger.info('generator finished', { summary });
  if (isTty(io.stderr)) io.stderr.write(formatSummary(summary) + '\n');
  if (config.json) (config.dryRun ? io.stderr : io.stdout).write(JSON.stringify(summary) + '\n');
  return summary;
}

function generateOptions(config: GeneratorConfig): Parameters<typeof generate>[0] {
  return {
    ...(config.count === undefined ? {} : { count: config.count }),
    ...(config.durationMs === undefined ? {} : { durationMs: config.durationMs }),
    rate: config.rate,
    batchSize: config.batchSize,
    maxInFlight: config.maxInFlight,
  };
}

function eventBuilderOptions(config: GeneratorConfig): Parameters<typeof createEventBuilder>[0] {
  return {
    seed: config.seed,
    users: config.users,
    invalidRatio: config.invalidRatio,
    invalidKinds: config.invalidKinds,
    jitterMs: config.jitterMs,
    lateRatio: config.lateRatio,
    minLateMs: 60_000,
    maxLateMs: config.maxLateMs,
  };
}

interface ProgressParts {
  readonly io: RunDeps;
  readonly logger: Logger;
  readonly metrics: GeneratorMetrics | undefined;
  readonly stats: ReturnType<typeof createRunStats>;
  readonly inFlight: { readonly batches: number };
}

/** The progress bar or log lines, and the rate gauge sampled every 250 ms, until `stop()`. */
function watchProgress(config: GeneratorConfig, parts: ProgressParts): { stop(): void } {
  const { io, logger, metrics, stats, inFlight } = parts;
  const meter = createRateMeter();
  const startedAt = Date.now();
  const snapshot = (): ProgressState => ({
    elapsedMs: Date.now() - startedAt,
    produced: stats.totals.produced,
    invalid: stats.totals.producedInvalid,
    failed: stats.totals.failed,
    sendErrors: stats.totals.sendErrors,
    inFlight: inFlight.batches,
    rate: meter.rate(),
    targetRate: config.rate,
    ...(config.count === undefined ? {} : { count: config.count }),
    ...(config.durationMs === undefined ? {} : { durationMs: config.durationMs }),
  });
  const mode = config.progress === 'auto' ? (isTty(io.stderr) ? 'bar' : 'log') : config.progress;
  const progress = createProgressReporter({
    mode,
    stream: io.stderr as NodeJS.WriteStream,
    snapshot,
    log: (line, state) =>
      logger.info(line, { produced: state.produced, rate: Math.round(state.rate), sendErrors: state.sendErrors }),
  });
  const sampler = setInterval(() => {
    meter.sample(Date.now(), stats.totals.produced);
    metrics?.setRate(meter.rate());
  }, 250);
  sampler.unref();
  meter.sample(startedAt, 0);
  progress.start();
  return {
    stop: () => {
      clearInterval(sampler);
      progress.stop();
    },
  };
}

/** "valid" and the malformed kinds a run can produce. */
function producibleKinds(config: GeneratorConfig): string[] {
  if (config.invalidRatio === 0) return ['valid'];
  const kinds = config.invalidKinds.length > 0 ? config.invalidKinds : MALFORMED_KINDS;
  return [...(config.invalidRatio < 1 ? ['valid'] : []), ...kinds.map((k) => k.name)];
}

/** setTimeout that an abort ends early; `ms <= 0` yields to the event loop (setImmediate). */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (ms <= 0 || signal.aborted) {
      setImmediate(resolve);
      return;
    }
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
