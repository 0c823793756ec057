// Public types of the batch consumer runner. They speak in our record types; kafkajs stays inside libs/kafka.
import type { RetryPolicy } from '../backoff';
import type { KafkaAdapterError } from '../errors';
import type { LoggerLike, ProducerOptions } from '../options';
import type { RecordProducer } from '../producer/record-producer';
import type { ConsumedRecord, OutgoingRecord } from '../types';

/**
 * What a chunk of consumed records becomes: the records to produce (outputs and dead letters, in input order) and
 * one outcome per consumed record, which travels with the chunk to the `onChunk` hook once the chunk is committed.
 */
export interface TransformResult<O> {
  readonly records: readonly OutgoingRecord[];
  /** One per consumed record, in the same order. */
  readonly outcomes: readonly O[];
}

/** Pure mapping of consumed records to records to produce. Bad data must become DLQ records, not exceptions. */
export type Transform<O> = (records: readonly ConsumedRecord[]) => TransformResult<O> | Promise<TransformResult<O>>;

/**
 * The outputs of ONE record whose transform threw (normally its dead letter, naming the failure). A transform that
 * throws is never retried: the chunk is transformed record by record and each record that throws goes here
 * (Kafka Connect's `errors.tolerance=all`), so one bad record can neither stop nor stall its partition.
 */
export type OnTransformError<O> = (record: ConsumedRecord, error: unknown) => TransformResult<O>;

export interface ChunkInfo<O> {
  readonly topic: string;
  readonly partition: number;
  /** Records consumed in this chunk. */
  readonly records: number;
  /** Records produced for them (outputs and dead letters). */
  readonly outputs: number;
  /** One per consumed record, as the transform returned them. */
  readonly outcomes: readonly O[];
  /** Records whose transform threw and that `onTransformError` turned into outputs. */
  readonly transformErrors: number;
  /** From the first transform call to the commit, retries included. */
  readonly durationMs: number;
  readonly firstOffset: string;
  readonly lastOffset: string;
  /** The offset committed: the next record to read. */
  readonly committedOffset: string;
  /** The partition's high watermark when the batch was fetched. */
  readonly highWatermark: string;
  /** Records between the committed offset and the high watermark at fetch time. */
  readonly lag: number;
  /** Failed attempts before the chunk succeeded (0 normally). */
  readonly retries: number;
}

/** 'transaction': exactly-once, where sending and committing are one transaction. */
export type ChunkStage = 'transform' | 'send' | 'commit' | 'transaction';

export interface RetryInfo {
  /** 1 for the first retry of this chunk. */
  readonly attempt: number;
  readonly delayMs: number;
  readonly error: unknown;
  /** Stable code of the error. */
  readonly code: string;
  readonly stage: ChunkStage;
  readonly topic: string;
  readonly partition: number;
}

export interface BatchConsumerHooks<O> {
  onChunk?(info: ChunkInfo<O>): void;
  /** Exactly-once only: each transaction's end and how long it took (from its first request). */
  onTransaction?(result: 'committed' | 'aborted', durationMs: number): void;
  onReadyChange?(ready: boolean, reason?: string): void;
  onRetry?(info: RetryInfo): void;
  /** A non-retriable failure stopped the consumer; `done` rejects with the same error. */
  onFatal?(error: KafkaAdapterError): void;
}

/**
 * at_least_once: outputs are sent, then the offset is committed; a crash in between redelivers (duplicates).
 * exactly_once: outputs and offset are one transaction per chunk (one transactional id per input partition);
 * read_committed readers see each input's outcome once.
 */
export type ProcessingGuarantee = 'at_least_once' | 'exactly_once';

export interface BatchConsumerOptions<O> {
  readonly groupId: string;
  /** Default at_least_once. */
  readonly guarantee?: ProcessingGuarantee;
  /** exactly_once: the broker aborts a transaction left open this long (default DEFAULT_TRANSACTION_TIMEOUT_MS, 60 s). */
  readonly transactionTimeoutMs?: number;
  readonly topics: readonly string[];
  /** Where a group without committed offsets starts (default false: only new records). */
  readonly fromBeginning?: boolean;
  readonly transform: Transform<O>;
  /** Outputs for one record whose transform threw; without it such a record stops the consumer (fatal). */
  readonly onTransformError?: OnTransformError<O>;
  /** Shared producer (its owner connects and disconnects it); default: the runner's own. at_least_once only. */
  readonly producer?: RecordProducer;
  /** Options of the runner's own producer (ignored when `producer` is given). */
  readonly producerOptions?: ProducerOptions;
  readonly logger: LoggerLike;
  /** A fetched batch is processed in chunks of at most this many records (default 1000). */
  readonly maxRecordsPerChunk?: number;
  /** Group membership timing, ms (kafkajs names; defaults 30000 / 3000 / 60000). */
  readonly sessionTimeout?: number;
  readonly heartbeatInterval?: number;
  readonly rebalanceTimeout?: number;
  readonly maxBytesPerPartition?: number;
  readonly maxBytes?: number;
  /** Default 1000 (kafkajs: 5000): an idle fetch returns sooner, so stop() is quicker. */
  readonly maxWaitTimeInMs?: number;
  readonly minBytes?: number;
  /** Partitions processed in parallel (default 1); each holds at most one fetched batch in memory. */
  readonly partitionsConsumedConcurrently?: number;
  /** Backoff of the runner's retry loops (send and commit failures). */
  readonly retry?: Partial<RetryPolicy>;
  /** Upper bound of stop(), ms (default 20000: below Kubernetes' 30 s grace period). */
  readonly stopTimeoutMs?: number;
  readonly hooks?: BatchConsumerHooks<O>;
}

export interface Readiness {
  readonly ready: boolean;
  /** Why not ready (empty when ready). */
  readonly reasons: string[];
}

export interface BatchConsumer {
  /** Connects, subscribes and joins the group; resolves once consuming. */
  start(): Promise<void>;
  /** Stops fetching, lets the in-flight chunk finish (sent and committed), disconnects. Idempotent, bounded. */
  stop(): Promise<void>;
  isReady(): Readiness;
  /** Resolves after stop(); rejects with a non-retriable KafkaAdapterError when the consumer had to stop. */
  readonly done: Promise<void>;
}
