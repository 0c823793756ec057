// The replayer's program: parse the command line, build the adapters, run the command, map the outcome to an exit
// code. Process wiring (signals, exit) is main.ts's.
import { createKafkaClient, KafkaAdapterError, type KafkaClient } from '@login/kafka';
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import {
  createLogger,
  createReplayerMetrics,
  reportPortInUse,
  startHttpServer,
  type Logger,
  type ProcessContext,
  type ReplayerMetrics,
  type RunningHttpServer,
} from '@login/observability';
import { createProgress } from './adapters/progress';
import { runInspect } from './adapters/inspect';
import { runReplay } from './adapters/replay';
import { EXIT, PACKAGE_VERSION, kafkaSecurity, kafkaSecurityWarning } from '@login/config';
import {
  HTTP_PORT_SETTING,
  parseCommandLine,
  type CliParse,
  type Config,
  type InspectConfig,
  type ReplayConfig,
} from './config';

/** How long a command may take to end after the first SIGINT/SIGTERM before the process exits anyway. */
const STOP_DEADLINE_MS = 8_000;

/** The command to run, or the exit code after help, the version or a usage error was printed. */
function commandOrAnswer(parsed: CliParse): Config | number {
  if (parsed.kind === 'help' || parsed.kind === 'version') {
    process.stdout.write(parsed.text);
    return EXIT.ok;
  }
  if (parsed.kind === 'error') {
    process.stderr.write(`dlq-replayer: ${parsed.message}\n`);
    return EXIT.usage;
  }
  return parsed.config;
}

/** The Kafka client, after a warning when the connection is not secured (SASL without TLS, or none). */
function kafkaClient(config: Config, logger: Logger): KafkaClient {
  const insecure = kafkaSecurityWarning(kafkaSecurity(config.kafka));
  if (insecure !== undefined) logger.warn(insecure, { kafkaSecurity: kafkaSecurity(config.kafka) });
  return createKafkaClient(
    { ...config.kafka, logLevel: config.logLevel === 'debug' ? 'info' : 'error', connectionTimeoutMs: 3000 },
    logger,
  );
}

/** /metrics, /healthz and /readyz, when --http-port is given; `ready` is asked on each /readyz. */
async function serveMetrics(
  config: Config,
  metrics: ReplayerMetrics | undefined,
  logger: Logger,
  ready: () => boolean,
): Promise<RunningHttpServer | undefined> {
  if (!metrics || config.httpPort === undefined) return undefined;
  return startHttpServer({
    port: config.httpPort,
    host: config.httpHost,
    maxConnections: config.httpMaxConnections,
    setting: HTTP_PORT_SETTING,
    registry: metrics.registry,
    liveness: () => true,
    readiness: () => (ready() ? { ready: true } : { ready: false, reasons: ['replay not reading'] }),
    logger,
  });
}

/** SIGINT/SIGTERM abort the context's stop signal: the command commits what it handled and prints its report. */
function installStopSignals(logger: Logger, context: ProcessContext): void {
  context.onStopSignals({
    stop: (signal) => {
      logger.info('stopping: committing what was handled, then printing the report', { signal });
    },
    // A second Ctrl-C: leave now. Nothing is lost: an open transaction is aborted by the broker (or the next run).
    stopNow: (signal) => {
      process.stderr.write(`dlq-replayer: ${signal} again, exiting without waiting\n`);
      return EXIT.interrupted;
    },
    // Every command ends within seconds of the abort (a transaction of one chunk at most). Should one hang, exit
    // anyway: exactly-once does not depend on a clean exit, only read_committed readers wait for the transaction
    // timeout then.
    deadline: {
      ms: STOP_DEADLINE_MS,
      onElapsed: (signal) => {
        process.stderr.write(
          `dlq-replayer: did not stop within ${STOP_DEADLINE_MS / 1000} s after ${signal}, exiting\n`,
        );
        return EXIT.failure;
      },
    },
  });
}

interface CommandDeps {
  readonly client: KafkaClient;
  readonly logger: Logger;
  readonly runId: string;
  readonly metrics: ReplayerMetrics | undefined;
  readonly signal: AbortSignal;
  readonly onReady: (ready: () => boolean) => void;
}

async function inspect(config: InspectConfig, deps: CommandDeps): Promise<number> {
  const result = await runInspect(config, {
    client: deps.client,
    logger: deps.logger,
    stdout: process.stdout,
    runId: deps.runId,
    signal: deps.signal,
    progress: (total) => createProgress(process.stderr, total, !config.json),
  });
  return result.outcome === 'complete' ? EXIT.ok : EXIT.failure;
}

async function replay(config: ReplayConfig, deps: CommandDeps): Promise<number> {
  const { client, logger, runId, metrics } = deps;
  logger.info('replay starting', {
    runId,
    group: config.group,
    dlqTopic: config.dlqTopic,
    target: config.inputTopic,
    dryRun: config.dryRun,
    kafkaSecurity: kafkaSecurity(config.kafka),
  });
  const { exitCode, report } = await runReplay(config, {
    client,
    logger,
    stdout: process.stdout,
    runId,
    now: Date.now,
    ...(metrics ? { metrics } : {}),
    progress: (total) => createProgress(process.stderr, total, config.progress),
    signal: deps.signal,
    writeFile: (path, text) => writeFile(path, text, 'utf8'),
    onReady: deps.onReady,
  });
  if (report.outcome === 'fenced') {
    process.stderr.write(
      `dlq-replayer: fenced: another replay on group "${config.group}" started and took over (one run per group); ` +
        'this run stopped after what it had committed, which the report shows. The other run continues from there.\n',
    );
  }
  return exitCode;
}

/** A command that failed: one message with the adapter's code and the brokers, exit 1. */
function reportFailure(config: Config, error: unknown): number {
  const code = error instanceof KafkaAdapterError ? ` [${error.code}]` : '';
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(
    `dlq-replayer: ${config.command} failed${code}: ${message}\n` +
      `  (brokers: ${config.kafka.brokers.join(',')}` +
      `${config.command === 'replay' ? '; every chunk is one transaction: nothing of the failed one was committed' : ''})\n`,
  );
  return EXIT.failure;
}

/** The command line behind `node main.js`: answer --help, --version or a usage error, or run the command. */
export function runCli(argv: readonly string[], env: NodeJS.ProcessEnv, context: ProcessContext): Promise<number> {
  const config = commandOrAnswer(parseCommandLine(argv, env));
  return typeof config === 'number' ? Promise.resolve(config) : run(config, context);
}

/** Logs go to stderr: stdout carries the summary or report (`--json | jq`). */
function commandLogger(config: Config): Logger {
  return createLogger({
    app: 'dlq-replayer',
    level: config.logLevel,
    format: config.logFormat,
    component: config.command,
    destination: process.stderr,
  });
}

/** Runs one command with a parsed configuration; resolves to the exit code. Never calls process.exit. */
export async function run(config: Config, context: ProcessContext): Promise<number> {
  const logger = commandLogger(config);
  const metrics = config.httpPort !== undefined ? createReplayerMetrics({ version: PACKAGE_VERSION }) : undefined;
  let ready: () => boolean = () => false;
  let server: RunningHttpServer | undefined;
  try {
    server = await serveMetrics(config, metrics, logger, () => ready());
  } catch (error) {
    // A taken --http-port is a usage error like a bad flag: one line and exit 2, as in every app, not a stack trace.
    if (reportPortInUse(error, logger)) return EXIT.usage;
    throw error;
  }
  installStopSignals(logger, context);
  const deps: CommandDeps = {
    client: kafkaClient(config, logger),
    logger,
    runId: randomUUID(),
    metrics,
    signal: context.stop,
    onReady: (fn) => {
      ready = fn;
    },
  };
  try {
    return config.command === 'inspect' ? await inspect(config, deps) : await replay(config, deps);
  } catch (error) {
    return reportFailure(config, error);
  } finally {
    await server?.close();
  }
}
