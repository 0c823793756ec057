// The Kafka client factory, the one way to make every part of libs/kafka: one configured connection setup
// (brokers, TLS, SASL, logging) that hands out producers, consumers, readers and admin clients speaking our types.
// The kafkajs instance lives in createKafkaClient's closure and is handed to each part as an argument, so no part
// imports this module back and the public type has no way to reach kafkajs.
import { Kafka, type KafkaConfig, type SASLOptions } from 'kafkajs';
import { createAdminClient, type AdminClient } from './admin';
import { createBatchConsumer } from './consumer/create-batch-consumer';
import type { BatchConsumer, BatchConsumerOptions } from './consumer/types';
import { kafkajsLogCreator, KAFKAJS_LOG_LEVELS } from './kafkajs-logger';
import { pinnedRetry } from './kafkajs-retry';
import { validateClientConfig, type KafkaClientConfig, type LoggerLike, type ProducerOptions } from './options';
import { readPartitions, type ReadPartitionsOptions, type ReadResult } from './partition-reader';
import { createRecordProducer, type RecordProducer } from './producer/record-producer';
import {
  createTransactionalProducer,
  type TransactionalProducer,
  type TransactionalProducerOptions,
} from './producer/transactional-producer';

export interface KafkaClient {
  readonly clientId: string;
  /** An idempotent producer (acks -1); connect it before sending. */
  producer(options?: ProducerOptions): RecordProducer;
  /** A producer of transactions under one transactional id; connect() takes the id over. */
  transactionalProducer(options: TransactionalProducerOptions): TransactionalProducer;
  /** A consumer group member running the batch pipeline; not started yet. */
  batchConsumer<O>(options: BatchConsumerOptions<O>): BatchConsumer;
  /** Reads offset ranges of one topic without any consumer group (see partition-reader.ts). */
  readPartitions(options: ReadPartitionsOptions): Promise<ReadResult>;
  admin(): AdminClient;
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

/** The default of every optional connection setting. */
export const CLIENT_DEFAULTS = { connectionTimeoutMs: 3000, requestTimeoutMs: 30_000, logLevel: 'info' } as const;

/** The kafkajs configuration for our config (exported for tests: TLS/SASL mapping without a broker). */
export function toKafkaConfig(config: KafkaClientConfig, logger: LoggerLike): KafkaConfig {
  validateClientConfig(config);
  const kafkaConfig: KafkaConfig = {
    clientId: config.clientId,
    brokers: config.brokers.map((b) => b.trim()),
    connectionTimeout: config.connectionTimeoutMs ?? CLIENT_DEFAULTS.connectionTimeoutMs,
    requestTimeout: config.requestTimeoutMs ?? CLIENT_DEFAULTS.requestTimeoutMs,
    logLevel: KAFKAJS_LOG_LEVELS[config.logLevel ?? CLIENT_DEFAULTS.logLevel],
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
  return {
    clientId: config.clientId,
    producer: (options = {}) => createRecordProducer(kafka, logger, options),
    transactionalProducer: (options) => createTransactionalProducer(kafka, logger, options),
    batchConsumer: (options) => createBatchConsumer(kafka, logger, options),
    readPartitions: (options) => readPartitions(kafka, logger, options),
    admin: () => createAdminClient(kafka),
  };
}
