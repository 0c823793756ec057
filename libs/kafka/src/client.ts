// The Kafka client factory: one configured connection setup (brokers, TLS, SASL, logging) that hands out
// producers and admin clients speaking our types. The kafkajs instance stays private to libs/kafka.
import { Kafka, type KafkaConfig, type SASLOptions } from 'kafkajs';
import { createAdminClient, type AdminClient } from './admin';
import { kafkajsLogCreator, KAFKAJS_LOG_LEVELS } from './kafkajs-logger';
import { pinnedRetry } from './kafkajs-retry';
import { validateClientConfig, type KafkaClientConfig, type LoggerLike, type ProducerOptions } from './options';
import { createRecordProducer, type RecordProducer } from './producer/record-producer';

export interface KafkaClient {
  readonly clientId: string;
  /** An idempotent producer (acks -1); connect it before sending. */
  producer(options?: ProducerOptions): RecordProducer;
  admin(): AdminClient;
}

interface ClientInternals {
  readonly kafka: Kafka;
  readonly logger: LoggerLike;
}

// Internals by client, so the batch runner (inside libs/kafka) can reach kafkajs while the public type cannot.
const internals = new WeakMap<KafkaClient, ClientInternals>();

/** The kafkajs instance behind a client made by createKafkaClient (libs/kafka internal use only). */
export function clientInternals(client: KafkaClient): ClientInternals {
  const found = internals.get(client);
  if (!found) throw new TypeError('not a client made by createKafkaClient');
  return found;
}

function toSasl(config: KafkaClientConfig): SASLOptions | undefined {
  const sasl = config.sasl;
  if (!sasl) return undefined;
  switch (sasl.mechanism) {
    case 'plain':
      return { mechanism: 'plain', username: sasl.username, password: sasl.password };
    case 'scram-sha-256':
      return { mechanism: 'scram-sha-256', username: sasl.username, password: sasl.password };
    case 'scram-sha-512':
      return { mechanism: 'scram-sha-512', username: sasl.username, password: sasl.password };
  }
}

/** The kafkajs configuration for our config (exported for tests: TLS/SASL mapping without a broker). */
export function toKafkaConfig(config: KafkaClientConfig, logger: LoggerLike): KafkaConfig {
  validateClientConfig(config);
  const kafkaConfig: KafkaConfig = {
    clientId: config.clientId,
    brokers: config.brokers.map((b) => b.trim()),
    connectionTimeout: config.connectionTimeoutMs ?? 3000,
    requestTimeout: config.requestTimeoutMs ?? 30_000,
    logLevel: KAFKAJS_LOG_LEVELS[config.logLevel ?? 'info'],
    logCreator: kafkajsLogCreator(logger),
    retry: pinnedRetry(),
  };
  if (config.ssl === true) {
    kafkaConfig.ssl = true;
  } else if (config.ssl && typeof config.ssl === 'object') {
    const { ca, cert, key, rejectUnauthorized } = config.ssl;
    kafkaConfig.ssl = {
      ...(ca ? { ca: [ca] } : {}),
      ...(cert ? { cert } : {}),
      ...(key ? { key } : {}),
      rejectUnauthorized: rejectUnauthorized ?? true,
    };
  }
  const sasl = toSasl(config);
  if (sasl) kafkaConfig.sasl = sasl;
  return kafkaConfig;
}

export function createKafkaClient(config: KafkaClientConfig, logger: LoggerLike): KafkaClient {
  const kafka = new Kafka(toKafkaConfig(config, logger));
  const client: KafkaClient = {
    clientId: config.clientId,
    producer: (options = {}) => createRecordProducer(kafka, logger, options),
    admin: () => createAdminClient(kafka),
  };
  internals.set(client, { kafka, logger });
  return client;
}
