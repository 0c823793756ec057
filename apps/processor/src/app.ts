// The processor service: builds the adapters from the configuration and runs until a signal or a fatal error. The
// work is done by the pure core (core/) inside the commit-after-ack batch runner (adapters/processor-service.ts);
// see docs/architecture.md. Process wiring (signals, exit) is main.ts's.
import os from 'node:os';
import { EXIT, PACKAGE_VERSION, kafkaSecurity, kafkaSecurityWarning, toKafkaClientConfig } from '@login/config';
import { systemClock } from '@login/enrichment';
import { lineageKeyring } from '@login/event-schema';
import type { LineageKey } from '@login/event-schema';
import { createKafkaClient, limitDecompressedBatches } from '@login/kafka';
import { DEVELOPMENT_KEY_ID, createMasker } from '@login/masking';
import {
  createLogger,
  createMetrics,
  createProcessorMetrics,
  createShutdown,
  reportPortInUse,
  startHttpServer,
} from '@login/observability';
import type { Logger, ProcessContext, RunningHttpServer, Shutdown, StopHandlers } from '@login/observability';
import { ProcessorService } from './adapters/processor-service';
import type { ProcessorServiceOptions } from './adapters/processor-service';
import type { ProcessorConfig } from './config';

const VERSION = PACKAGE_VERSION;

/** The lineage keys the processor trusts: the current one and, during a rotation, the previous one. */
function lineageKeys(cfg: ProcessorConfig): [LineageKey, ...LineageKey[]] {
  const current = { id: cfg.LINEAGE_KEY_ID, secret: Buffer.from(cfg.LINEAGE_KEY, 'utf8') };
  if (cfg.LINEAGE_PREVIOUS_KEY === undefined || cfg.LINEAGE_PREVIOUS_KEY_ID === undefined) return [current];
  return [current, { id: cfg.LINEAGE_PREVIOUS_KEY_ID, secret: Buffer.from(cfg.LINEAGE_PREVIOUS_KEY, 'utf8') }];
}

/** The pure core's dependencies, from the configuration. */
function coreDeps(cfg: ProcessorConfig, instance: string): ProcessorServiceOptions['core'] {
  const [current, ...previous] = lineageKeys(cfg);
  return {
    masker: createMasker({
      key: { id: cfg.MASKING_KEY_ID, secret: cfg.MASKING_KEY },
      ipStrategy: cfg.MASKING_IP_STRATEGY,
    }),
    maxValueBytes: cfg.MAX_VALUE_BYTES,
    maxClockSkewMs: cfg.MAX_CLOCK_SKEW_MS,
    recordLimits: {
      maxKeyBytes: cfg.MAX_KEY_BYTES,
      maxHeaderCount: cfg.MAX_HEADER_COUNT,
      maxHeaderBytes: cfg.MAX_HEADER_BYTES,
    },
    outputTopic: cfg.OUTPUT_TOPIC,
    dlqTopic: cfg.DLQ_TOPIC,
    group: cfg.CONSUMER_GROUP,
    processor: `processor@${VERSION} ${instance}`,
    lineageKeys: lineageKeyring(current, previous),
  };
}

/** What the processor runs with (key ids, never keys), and a warning when that is a development key or SASL without TLS. */
function logStart(logger: Logger, cfg: ProcessorConfig, instance: string, http: RunningHttpServer): void {
  const security = kafkaSecurity(toKafkaClientConfig(cfg, 'login-processor'));
  logger.info('starting', {
    version: VERSION,
    instance,
    input: cfg.INPUT_TOPIC,
    output: cfg.OUTPUT_TOPIC,
    dlq: cfg.DLQ_TOPIC,
    group: cfg.CONSUMER_GROUP,
    brokers: cfg.KAFKA_BROKERS,
    kafkaSecurity: security,
    httpHost: http.address.address,
    httpPort: http.port,
    httpMaxConnections: cfg.HTTP_MAX_CONNECTIONS,
    maskingKeyId: cfg.MASKING_KEY_ID,
    lineageKeyIds: lineageKeys(cfg).map((key) => key.id),
    ipStrategy: cfg.MASKING_IP_STRATEGY,
    guarantee: cfg.PROCESSING_GUARANTEE,
  });
  const insecure = kafkaSecurityWarning(security);
  if (insecure !== undefined) logger.warn(insecure, { kafkaSecurity: security });
  if (cfg.MASKING_KEY_ID === DEVELOPMENT_KEY_ID) {
    logger.warn(
      'masking with a DEVELOPMENT key (key id "dev"): its pseudonyms are not production pseudonyms; never use it outside a development machine',
      {
        maskingKeyId: cfg.MASKING_KEY_ID,
      },
    );
  }
}

/**
 * Runs the processor until a signal or a fatal error has shut it down; resolves to the exit code. The shutdown's
 * steps (consumer, final summary, HTTP server) run in that order within SHUTDOWN_GRACE_MS.
 */
export function run(cfg: ProcessorConfig, deps: ProcessContext): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const logger = createLogger({ app: 'processor', level: cfg.LOG_LEVEL, format: cfg.LOG_FORMAT });
    // The shutdown "exits" by settling run(): the process itself is main.ts's.
    const shutdown = createShutdown({
      logger,
      graceMs: cfg.SHUTDOWN_GRACE_MS,
      failureCode: EXIT.failure,
      exit: resolve,
    });
    // An unexpected error while starting is a bug: runProcess reports it.
    start(cfg, logger, shutdown, deps).catch(reject);
  });
}

/** A signal starts the shutdown; another one while it runs exits at once. */
function stopHandlers(logger: Logger, shutdown: Shutdown): StopHandlers {
  return {
    stopping: () => shutdown.isShuttingDown,
    stop: (signal) => void shutdown.trigger(signal),
    stopNow: (signal) => {
      logger.warn('second signal; exiting now', { signal });
      return EXIT.failure;
    },
  };
}

/** The Kafka client and the batch runner around the pure core. */
function createService(
  cfg: ProcessorConfig,
  logger: Logger,
  metrics: ProcessorServiceOptions['metrics'],
  instance: string,
): ProcessorService {
  limitDecompressedBatches(cfg.MAX_DECOMPRESSED_BATCH_BYTES);
  const client = createKafkaClient(
    { ...toKafkaClientConfig(cfg, 'login-processor'), logLevel: cfg.LOG_LEVEL === 'debug' ? 'info' : 'warn' },
    logger.child({ component: 'kafkajs' }),
  );
  return new ProcessorService({
    client,
    logger,
    metrics,
    clock: systemClock,
    inputTopic: cfg.INPUT_TOPIC,
    group: cfg.CONSUMER_GROUP,
    guarantee: cfg.PROCESSING_GUARANTEE,
    core: coreDeps(cfg, instance),
    summaryIntervalMs: cfg.SUMMARY_INTERVAL_MS,
    summaryFormat: cfg.LOG_FORMAT === 'pretty' ? 'table' : 'json',
    maxRecordsPerChunk: cfg.BATCH_MAX_RECORDS,
    maxBytesPerPartition: cfg.FETCH_MAX_BYTES_PER_PARTITION,
    partitionsConsumedConcurrently: cfg.PARTITIONS_CONSUMED_CONCURRENTLY,
    sessionTimeout: cfg.KAFKA_SESSION_TIMEOUT_MS,
    heartbeatInterval: cfg.KAFKA_HEARTBEAT_INTERVAL_MS,
    rebalanceTimeout: cfg.KAFKA_REBALANCE_TIMEOUT_MS,
    // The runner's own bound, inside the process's grace period (which also closes the HTTP server).
    stopTimeoutMs: Math.max(1000, cfg.SHUTDOWN_GRACE_MS - 2000),
  });
}

async function start(cfg: ProcessorConfig, logger: Logger, shutdown: Shutdown, deps: ProcessContext): Promise<void> {
  const instance = `${os.hostname()}-${process.pid}`;
  const metrics = createMetrics({ build: { app: 'processor', version: VERSION } });
  const service = createService(cfg, logger, createProcessorMetrics(metrics.registry), instance);

  deps.onStopSignals(stopHandlers(logger, shutdown));
  let http: RunningHttpServer;
  try {
    http = await startHttpServer({
      port: cfg.HTTP_PORT,
      host: cfg.HTTP_HOST,
      maxConnections: cfg.HTTP_MAX_CONNECTIONS,
      registry: metrics.registry,
      liveness: () => true,
      readiness: () => service.isReady(),
      logger,
    });
  } catch (err) {
    // A taken port is a configuration error like any other: one line, exit 2, no stack trace.
    if (reportPortInUse(err, logger)) {
      await shutdown.trigger('HTTP_PORT in use', EXIT.usage);
      return;
    }
    throw err;
  }
  shutdown.add('consumer', () => service.stop());
  shutdown.add('summary', () => logger.info('final summary', { summary: service.finalSummary() }));
  shutdown.add('http', () => http.close());

  logStart(logger, cfg, instance, http);
  service.done.catch((err: unknown) => {
    logger.error('the consumer stopped on a non-retriable error', { error: err });
    void shutdown.trigger('fatal consumer error', EXIT.failure);
  });
  try {
    await service.start();
  } catch (err) {
    logger.error('could not start consuming', { error: err });
    await shutdown.trigger('start failed', EXIT.failure);
    return;
  }
  logger.info('consuming', { topic: cfg.INPUT_TOPIC, group: cfg.CONSUMER_GROUP });
}
