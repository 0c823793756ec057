// Wiring only: parse the command line, build the adapters, run the command, map the outcome to an exit code.
import { createKafkaClient, KafkaAdapterError } from '@login/kafka';
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createLogger, startHttpServer, type RunningHttpServer } from '@login/observability';
import { quietDeliberateStops } from './adapters/logger';
import { createReplayerMetrics } from './adapters/metrics';
import { createProgress } from './adapters/progress';
import { LockRefused } from './adapters/run-lock';
import { runInspect } from './commands/inspect';
import { runReplay } from './commands/replay';
import { EXIT, parseCommandLine } from './config';

async function main(): Promise<number> {
  const parsed = parseCommandLine(process.argv.slice(2), process.env);
  if (parsed.kind === 'help') {
    process.stdout.write(parsed.text);
    return EXIT.ok;
  }
  if (parsed.kind === 'error') {
    process.stderr.write(`dlq-replayer: ${parsed.message}\n`);
    return EXIT.usage;
  }
  const config = parsed.config;
  // Logs go to stderr: stdout carries the summary or report (`--json | jq`).
  const logger = quietDeliberateStops(
    createLogger({ app: 'dlq-replayer', level: config.logLevel, format: config.logFormat, component: config.command, destination: process.stderr }),
    'StopReading',
  );
  const client = createKafkaClient(
    { ...config.kafka, logLevel: config.logLevel === 'debug' ? 'info' : 'error', connectionTimeoutMs: 3000 },
    logger,
  );
  const runId = randomUUID();
  const metrics = config.httpPort !== undefined ? createReplayerMetrics() : undefined;
  let ready: () => boolean = () => false;
  let server: RunningHttpServer | undefined;
  if (metrics && config.httpPort !== undefined) {
    server = await startHttpServer({
      port: config.httpPort,
      registry: metrics.registry,
      liveness: () => true,
      readiness: () => (ready() ? { ready: true } : { ready: false, reasons: ['replay not reading'] }),
      logger,
    });
    logger.info('serving /metrics, /healthz, /readyz', { port: server.port });
  }
  let signals = 0;
  let stop: (() => void) | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) {
      // A second Ctrl-C: leave now; the uncommitted batch is re-read by the next run.
      process.stderr.write(`dlq-replayer: ${signal} again, exiting without waiting\n`);
      process.exit(130);
    }
    logger.info('stopping after the in-flight batch', { signal });
    stop?.();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    if (config.command === 'inspect') {
      await runInspect(config, { client, logger, stdout: process.stdout, runId });
      return EXIT.ok;
    }
    logger.info('replay starting', {
      runId,
      group: config.group,
      dlqTopic: config.dlqTopic,
      target: config.inputTopic,
      dryRun: config.dryRun,
    });
    const { exitCode } = await runReplay(config, {
      client,
      logger,
      stdout: process.stdout,
      runId,
      now: Date.now,
      ...(metrics ? { metrics } : {}),
      progress: (total) => createProgress(process.stderr, total, config.progress),
      onInterrupt: (fn) => {
        stop = fn;
        if (signals > 0) fn();
      },
      writeFile: (path, text) => writeFile(path, text, 'utf8'),
      onReady: (fn) => {
        ready = fn;
      },
    });
    return exitCode;
  } catch (error) {
    if (error instanceof LockRefused) {
      process.stderr.write(`dlq-replayer: refused: ${error.message}\n`);
      return EXIT.busy;
    }
    const code = error instanceof KafkaAdapterError ? ` [${error.code}]` : '';
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(
      `dlq-replayer: ${config.command} failed${code}: ${message}\n` +
        `  (brokers: ${config.kafka.brokers.join(',')}` +
        `${config.command === 'replay' ? '; nothing past the last acknowledged batch was committed' : ''})\n`,
    );
    return EXIT.failure;
  } finally {
    await server?.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`dlq-replayer: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(EXIT.failure);
  },
);
