// libs/kafka: the only importer of kafkajs. Its public surface speaks in our own types.
export type { ConsumedRecord, OutgoingRecord, OversizedBatch, RecordHeaders } from './types';
export { GZIP_LEVEL, limitDecompressedBatches } from './decompression-limit';
// For code that drives a kafkajs consumer itself (the benchmark's naive eachMessage baseline): the runner's own
// mapping of a fetched message, so such code reads records exactly as the app does.
export { toConsumedRecord } from './records';

// The one factory: every producer, consumer, reader and admin client comes from a KafkaClient.
export { createKafkaClient } from './client';
export type { KafkaClient } from './client';
export type {
  CompressionCodec,
  KafkaClientConfig,
  KafkaLogLevel,
  LoggerLike,
  ProducerOptions,
  SaslConfig,
  SaslMechanism,
  TlsConfig,
} from './options';
export type { PendingSend, RecordProducer } from './producer/record-producer';
export type { AdminClient, PartitionLag, PartitionOffsets, TopicSpec } from './admin';

export type { OffsetRange, ReadPartitionsOptions, ReadResult } from './partition-reader';
export type {
  TransactionalProducer,
  TransactionalProducerOptions,
  TransactionOffsets,
} from './producer/transactional-producer';

export { BATCH_CONSUMER_DEFAULTS } from './consumer/consumer-options';
export type {
  BatchConsumer,
  BatchConsumerHooks,
  BatchConsumerOptions,
  ChunkInfo,
  ChunkStage,
  OnTransformError,
  ProcessingGuarantee,
  Readiness,
  RetryInfo,
  Transform,
  TransformResult,
} from './consumer/types';

export { classifyError, KafkaAdapterError } from './errors';
export type { ErrorClassification } from './errors';
export { backoffDelay, DEFAULT_RETRY_POLICY } from './backoff';
export { DEFAULT_MAX_BATCH_BYTES, estimateRecordBytes } from './producer/record-size';
export { murmur2, partitionForKey } from './partitioner';
export { DLQ_TOPIC_CONFIG } from './topic-configs';
export type { RetryPolicy } from './backoff';
