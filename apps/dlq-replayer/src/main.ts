// Wiring only: parse the command line, build the adapters, run the command, map the outcome to an exit code.
import { createKafkaClient, KafkaAdapterError } from '@login/kafka';
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import {
  createLogger,
  createReplayerMetrics,
  onStopSignals,
  startHttpServer,
  type RunningHttpServer,
} from '@login/observability';
import { createProgress } from './adapters/progress';
import { runInspect } from './commands/inspect';
import { runReplay } from './commands/replay';
import { PACKAGE_VERSION, kafkaSecurity, kafkaSecurityWarning } from '@login/config';
import { EXIT, parseCommandLine } from './config';

/** How long a command may take to end after the first SIGINT/SIGTERM before the process exits anyway. */
const STOP_DEADLINE_MS = 8_000;

async function main(): Promise<number> {
  const parsed = parseCommandLine(process.argv.slice(2), process.env);
  if (parsed.kind === 'help' || parsed.kind === 'version') {
    process.stdout.write(parsed.text);
    return EXIT.ok;
  }
  if (parsed.kind === 'error') {
    process.stderr.write(`dlq-replayer: ${parsed.message}\n`);
    return EXIT.usage;
  }
  const config = parsed.config;
  // Logs go to stderr: stdout carries the summary or report (`--json | jq`).
  const logger = createLogger({
    app: 'dlq-replayer',
    level: config.logLevel,
    format: config.logFormat,
    component: config.command,
    destination: process.stderr,
  });
  const insecure = kafkaSecurityWarning(kafkaSecurity(config.kafka));
  if (insecure !== undefined) logger.warn(insecure, { kafkaSecurity: kafkaSecurity(config.kafka) });
  const client = createKafkaClient(
    { ...config.kafka, logLevel: config.logLevel === 'debug' ? 'info' : 'error', connectionTimeoutMs: 3000 },
    logger,
  );
  const runId = randomUUID();
  const metrics = config.httpPort !== undefined ? createReplayerMetrics({ version: PACKAGE_VERSION }) : undefined;
  let ready: () => boolean = () => false;
  let server: RunningHttpServer | undefined;
  if (metrics && config.httpPort !== undefined) {
    server = await startHttpServer({
      port: config.httpPort,
      host: config.httpHost,
      maxConnections: config.httpMaxConnections,
      registry: metrics.registry,
      liveness: () => true,
      readiness: () => (ready() ? { ready: true } : { ready: false, reasons: ['replay not reading'] }),
      logger,
    });
    logger.info('serving /metrics, /healthz, /readyz', { host: server.address.address, port: server.port });
  }
  const interrupt = new AbortController();
  onStopSignals({
    stopping: () => interrupt.signal.aborted,
    stop: (signal) => {
      logger.info('stopping: committing what was handled, then printing the report', { signal });
      interrupt.abort();
    },
    // A second Ctrl-C: leave now. Nothing is lost: an open transaction is aborted by the broker (or the next run).
    stopNow: (signal) => {
      process.stderr.write(`dlq-replayer: ${signal} again, exiting without waiting\n`);
      process.exit(EXIT.interrupted);
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
        process.exit(EXIT.failure);
      },
    },
  });

  try {
    if (config.command === 'inspect') {
      const result = await runInspect(config, {
        client,
        logger,
        stdout: process.stdout,
        runId,
        signal: interrupt.signal,
        progress: (total) => createProgress(process.stderr, total, !config.json),
      });
      return result.outcome === 'complete' ? EXIT.ok : EXIT.failure;
    }
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
      signal: interrupt.signal,
      writeFile: (path, text) => writeFile(path, text, 'utf8'),
      onReady: (fn) => {
        ready = fn;
      },
    });
    if (report.outcome === 'fenced') {
      process.stderr.write(
        `dlq-replayer: fenced: another replay on group "${config.group}" started and took over (one run per group); ` +
          'this run stopped after what it had committed, which the report shows. The other run continues from there.\n',
      );
    }
    return exitCode;
  } catch (error) {
    const code = error instanceof KafkaAdapterError ? ` [${error.code}]` : '';
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(
      `dlq-replayer: ${config.command} failed${code}: ${message}\n` +
        `  (brokers: ${config.kafka.brokers.join(',')}` +
        `${config.command === 'replay' ? '; every chunk is one transaction: nothing of the failed one was committed' : ''})\n`,
    );
    return EXIT.failure;
  } finally {
    await server?.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `dlq-replayer: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(EXIT.failure);
  },
);
