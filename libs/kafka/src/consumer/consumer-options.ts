// The batch consumer's options: one defaults object, one schema checked at creation, and what kafkajs is given.
import type { ConsumerConfig, ConsumerRunConfig, ConsumerSubscribeTopics, EachBatchHandler } from 'kafkajs';
import { pinnedRetry } from '../kafkajs-retry';
import { callback, integer, invalid, nonEmptyString, optionsCheck } from '../option-schema';
import type { TransactionalProducerOptions } from '../producer/transactional-producer';
import type { BatchConsumerOptions } from './types';

/** The default of every optional setting, used wherever the option is left out. */
export const BATCH_CONSUMER_DEFAULTS = {
  sessionTimeout: 30_000,
  heartbeatInterval: 3000,
  rebalanceTimeout: 60_000,
  maxBytesPerPartition: 1_048_576,
  maxBytes: 10_485_760,
  maxWaitTimeInMs: 1000,
  minBytes: 1,
  maxRecordsPerChunk: 1000,
  stopTimeoutMs: 20_000,
  partitionsConsumedConcurrently: 1,
  fromBeginning: false,
} as const;

const batchConsumerSchema = {
  type: 'object',
  required: ['groupId', 'topics', 'transform'],
  properties: {
    groupId: nonEmptyString,
    topics: { type: 'array', minItems: 1, message: 'must list at least one topic', items: nonEmptyString },
    transform: callback,
    onTransformError: callback,
    guarantee: { enum: ['at_least_once', 'exactly_once'], message: 'must be at_least_once or exactly_once' },
    sessionTimeout: integer(),
    heartbeatInterval: integer(),
    rebalanceTimeout: integer(),
    maxBytesPerPartition: integer(),
    maxBytes: integer(),
    maxWaitTimeInMs: integer(),
    stopTimeoutMs: integer(),
    maxRecordsPerChunk: integer(),
    minBytes: integer(0),
    partitionsConsumedConcurrently: integer(1, 64),
    transactionTimeoutMs: integer(1000),
  },
} as const;

const checkSchema = optionsCheck<BatchConsumerOptions<unknown>>(batchConsumerSchema);

/** Throws one INVALID_OPTIONS error naming the first wrong option. */
export function validateBatchConsumerOptions<O>(options: BatchConsumerOptions<O>): void {
  checkSchema(options as BatchConsumerOptions<unknown>);
  // Relations between settings, which the schema does not express.
  if (options.guarantee === 'exactly_once' && options.producer !== undefined) {
    throw invalid(
      'producer',
      'cannot be shared with exactly_once: each input partition has its own transactional producer',
    );
  }
  if (
    options.heartbeatInterval !== undefined &&
    options.heartbeatInterval >= (options.sessionTimeout ?? BATCH_CONSUMER_DEFAULTS.sessionTimeout)
  ) {
    throw invalid('heartbeatInterval', 'must be lower than sessionTimeout');
  }
}

/** What kafkajs's consumer is given; `restartOnFailure` decides whether a retriable crash restarts it. */
export function kafkajsConsumerConfig<O>(
  options: BatchConsumerOptions<O>,
  restartOnFailure: () => Promise<boolean>,
): ConsumerConfig {
  const d = BATCH_CONSUMER_DEFAULTS;
  return {
    groupId: options.groupId,
    sessionTimeout: options.sessionTimeout ?? d.sessionTimeout,
    heartbeatInterval: options.heartbeatInterval ?? d.heartbeatInterval,
    rebalanceTimeout: options.rebalanceTimeout ?? d.rebalanceTimeout,
    maxBytesPerPartition: options.maxBytesPerPartition ?? d.maxBytesPerPartition,
    maxBytes: options.maxBytes ?? d.maxBytes,
    maxWaitTimeInMs: options.maxWaitTimeInMs ?? d.maxWaitTimeInMs,
    minBytes: options.minBytes ?? d.minBytes,
    allowAutoTopicCreation: false,
    // Records of aborted transactions never reach the transform (an upstream transactional producer's, or ours).
    readUncommitted: false,
    // kafkajs calls restartOnFailure only for retriable crashes; the CRASH event logs the crash once.
    retry: pinnedRetry({ restartOnFailure }),
  };
}

/** What kafkajs's subscribe is given. */
export function kafkajsSubscription<O>(options: BatchConsumerOptions<O>): ConsumerSubscribeTopics {
  return {
    topics: [...options.topics],
    fromBeginning: options.fromBeginning ?? BATCH_CONSUMER_DEFAULTS.fromBeginning,
  };
}

/** What kafkajs's run is given: never its own commits, the runner commits a chunk only after its acknowledgement. */
export function kafkajsRunConfig<O>(options: BatchConsumerOptions<O>, eachBatch: EachBatchHandler): ConsumerRunConfig {
  return {
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently:
      options.partitionsConsumedConcurrently ?? BATCH_CONSUMER_DEFAULTS.partitionsConsumedConcurrently,
    eachBatch,
  };
}

/** exactly_once: the options of a partition's transactional producer, only those the caller set. */
export function partitionProducerOptions<O>(
  options: BatchConsumerOptions<O>,
  transactionalId: string,
): TransactionalProducerOptions {
  const producerOptions = options.producerOptions;
  return {
    transactionalId,
    ...(options.transactionTimeoutMs === undefined ? {} : { transactionTimeoutMs: options.transactionTimeoutMs }),
    ...(producerOptions?.maxBatchBytes === undefined ? {} : { maxBatchBytes: producerOptions.maxBatchBytes }),
    ...(producerOptions?.ackTimeoutMs === undefined ? {} : { ackTimeoutMs: producerOptions.ackTimeoutMs }),
    ...(producerOptions?.compressionByTopic === undefined
      ? {}
      : { compressionByTopic: producerOptions.compressionByTopic }),
  };
}
