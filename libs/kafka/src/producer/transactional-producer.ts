// The transactional producer: records and consumer offsets committed together or not at all, and one live
// producer per transactional id. connect() is Kafka's initTransactions: the broker bumps the id's epoch, aborts
// (or waits for the end of) the transaction a previous holder left open, and from then on refuses every
// transactional request of an older producer with the same id, which is how a second instance fences the first.
// Every kafkajs transaction call of libs/kafka is in this module.
//
// kafkajs speaks TxnOffsetCommit v0-1 only (no consumer group metadata, KIP-447): offsets are committed for a
// group without generation or member, which the group coordinator accepts for a group with no members. That is
// the shape of a reader without a group (partition-reader.ts), not of a kafkajs consumer group member.
import type { Admin, Kafka, Producer, Transaction } from 'kafkajs';
import { backoffDelay, type RetryPolicy } from '../backoff';
import { classifyError, describeError, KafkaAdapterError, toAdapterError } from '../errors';
import { pinnedRetry } from '../kafkajs-retry';
import { integer, nonEmptyString, optionsCheck } from '../option-schema';
import type { CompressionCodec, LoggerLike } from '../options';
import { kafkajsPartitioner } from './kafkajs-partitioner';
import type { OutgoingRecord } from '../types';
import { connectMetadataClient, SendPath } from './send-path';

/**
 * The one default of the transaction timeout, for the processor's per-partition producers and the replayer's alike:
 * Kafka's own default (transaction.timeout.ms), long enough for a chunk's retries, short enough that
 * read_committed readers are not held long by a transaction a killed process left open.
 */
export const DEFAULT_TRANSACTION_TIMEOUT_MS = 60_000;

export interface TransactionalProducerOptions {
  /** Stable across restarts of the same logical writer: a new holder of the id fences the old one. */
  readonly transactionalId: string;
  /** The broker aborts a transaction left open this long (a killed process); default DEFAULT_TRANSACTION_TIMEOUT_MS. */
  readonly transactionTimeoutMs?: number;
  /** Byte budget per topic-partition of one produce request (see delivery.ts); default 768 KiB. */
  readonly maxBatchBytes?: number;
  /** How long the broker may wait for all in-sync replicas per produce request; default 30 s. */
  readonly ackTimeoutMs?: number;
  /** Per-topic codecs (default none). */
  readonly compressionByTopic?: Readonly<Record<string, CompressionCodec>>;
}

/** Consumer offsets committed with a transaction: for each partition, the next offset to read. */
export interface TransactionOffsets {
  readonly groupId: string;
  readonly offsets: readonly { readonly topic: string; readonly partition: number; readonly offset: bigint }[];
}

export interface TransactionalProducer {
  readonly transactionalId: string;
  /**
   * initTransactions: takes the transactional id over, fencing any older producer holding it, after the broker
   * has finished (aborted) the transaction that one left open. Call again after a failed transaction.
   */
  connect(): Promise<void>;
  /**
   * One transaction: sends `records` (acks from all in-sync replicas, in order per partition), adds `offsets` for
   * their group, and commits. Resolves once committed; read_committed consumers then see the records, and the
   * group's offsets move, together. Rejects with a KafkaAdapterError after aborting what it can: nothing of the
   * transaction becomes visible. Code PRODUCER_FENCED: another producer took the id over (never retry: stop).
   * After any rejection the producer must connect() again before the next transaction.
   */
  commitTransaction(records: readonly OutgoingRecord[], offsets?: TransactionOffsets): Promise<void>;
  disconnect(): Promise<void>;
  /** True between a successful connect() and disconnect() or a failed transaction. */
  isConnected(): boolean;
}

// INVALID_PRODUCER_EPOCH is what the broker answers the old-version requests kafkajs sends; newer request versions
// answer PRODUCER_FENCED (90), which kafkajs 2.2.4 does not know and reports as an unknown error code.
function isFenced(err: unknown): boolean {
  const { code } = classifyError(err);
  if (code === 'INVALID_PRODUCER_EPOCH' || code === 'PRODUCER_FENCED') return true;
  return code === 'KAFKAJS_UNKNOWN_ERROR_CODE' && /\berror code 90\b/.test(describeError(err).errorMessage);
}

function toTransactionError(err: unknown, context: string, transactionalId: string): KafkaAdapterError {
  if (isFenced(err)) {
    return new KafkaAdapterError(
      `${context}: transactional id "${transactionalId}" was taken over by another producer (fenced)`,
      {
        code: 'PRODUCER_FENCED',
        canRetry: false,
        cause: err,
      },
    );
  }
  return toAdapterError(err, context);
}

const validate = optionsCheck<TransactionalProducerOptions>({
  type: 'object',
  required: ['transactionalId'],
  properties: {
    transactionalId: nonEmptyString,
    transactionTimeoutMs: integer(1000),
    maxBatchBytes: integer(1024),
    ackTimeoutMs: integer(),
  },
});

/** Made by KafkaClient.transactionalProducer; `logger` is the client's. */
export function createTransactionalProducer(
  kafka: Kafka,
  logger: LoggerLike,
  options: TransactionalProducerOptions,
): TransactionalProducer {
  validate(options);
  return new KafkajsTransactionalProducer(kafka, logger, options);
}

const COMPONENT = 'kafka.transactional-producer';

class KafkajsTransactionalProducer implements TransactionalProducer {
  readonly transactionalId: string;
  private producer: Producer | undefined;
  private admin: Admin | undefined;
  private ready = false;
  private readonly sendPath: SendPath;

  constructor(
    private readonly kafka: Kafka,
    private readonly logger: LoggerLike,
    private readonly options: TransactionalProducerOptions,
  ) {
    this.transactionalId = options.transactionalId;
    this.sendPath = new SendPath(() => this.admin, options);
  }

  async connect(): Promise<void> {
    await this.close(this.producer);
    this.ready = false;
    // A fresh kafkajs producer each time: after a failed transaction kafkajs's sequence numbers may no longer
    // match the broker's, and only a new producer id (a new epoch) resets them.
    const producer = this.newKafkajsProducer();
    this.producer = producer;
    try {
      this.admin ??= await connectMetadataClient(this.kafka);
      await producer.connect();
      // kafkajs sends InitProducerId with the transactional id on the first transaction(): begin and end an
      // empty one (no partitions, no offsets: nothing goes to the broker but the InitProducerId).
      const init = await producer.transaction();
      await init.abort();
    } catch (err) {
      throw toTransactionError(err, `initTransactions of "${this.transactionalId}" failed`, this.transactionalId);
    }
    this.ready = true;
  }

  async commitTransaction(records: readonly OutgoingRecord[], offsets?: TransactionOffsets): Promise<void> {
    const producer = this.readyProducer();
    if (records.length === 0 && (offsets === undefined || offsets.offsets.length === 0)) return;
    let transaction: Transaction | undefined;
    try {
      const delivery = await this.sendPath.delivery(records);
      transaction = await producer.transaction();
      // Every partition must acknowledge its records before the commit; a missing one fails (and aborts) it all.
      await delivery.run(this.sendPath.requests(transaction));
      if (offsets !== undefined && offsets.offsets.length > 0) {
        const active = transaction;
        await retryCoordinatorBusy(() =>
          active.sendOffsets({ consumerGroupId: offsets.groupId, topics: offsetTopics(offsets) }),
        );
      }
      await transaction.commit();
    } catch (err) {
      this.ready = false;
      const error = toTransactionError(err, `transaction of ${records.length} records failed`, this.transactionalId);
      if (transaction?.isActive() && error.code !== 'PRODUCER_FENCED') await this.abortQuietly(transaction);
      throw error;
    }
  }

  async disconnect(): Promise<void> {
    this.ready = false;
    const { producer, admin } = this;
    this.producer = undefined;
    this.admin = undefined;
    await this.close(producer);
    await admin
      ?.disconnect()
      .catch((err: unknown) =>
        this.logger.debug('metadata client disconnect failed', { component: COMPONENT, code: classifyError(err).code }),
      );
  }

  isConnected(): boolean {
    return this.ready;
  }

  private newKafkajsProducer(): Producer {
    return this.kafka.producer({
      transactionalId: this.transactionalId,
      transactionTimeout: this.options.transactionTimeoutMs ?? DEFAULT_TRANSACTION_TIMEOUT_MS,
      idempotent: true,
      // kafkajs requires one request in flight for a transactional producer.
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: kafkajsPartitioner,
      // The first request of a transaction meets CONCURRENT_TRANSACTIONS until the coordinator has written the
      // previous one's markers, a few ms after its commit returned: retry soon (the Java client waits 20 ms), and
      // often enough to ride out a leader change (about 5 s in all).
      retry: pinnedRetry({ retries: 8, initialRetryTime: 20, maxRetryTime: 2000 }),
    });
  }

  private readyProducer(): Producer {
    if (!this.producer || !this.ready) {
      throw new KafkaAdapterError(
        'commitTransaction needs a connected producer (connect() again after a failed transaction)',
        { code: 'NOT_CONNECTED', canRetry: false },
      );
    }
    return this.producer;
  }

  /** Best effort: a transaction left open is aborted by the broker after its timeout, or by the next connect(). */
  private async abortQuietly(transaction: Transaction): Promise<void> {
    await transaction.abort().catch((abortErr: unknown) =>
      this.logger.debug('abort after a failed transaction failed', {
        component: COMPONENT,
        code: classifyError(abortErr).code,
      }),
    );
  }

  private async close(producer: Producer | undefined): Promise<void> {
    if (!producer) return;
    await producer
      .disconnect()
      .catch((err: unknown) =>
        this.logger.warn('transactional producer disconnect failed', { component: COMPONENT, ...describeError(err) }),
      );
  }
}

// kafkajs retries AddPartitionsToTxn (inside its send) but not AddOffsetsToTxn (tulios/kafkajs#430): right after
// a commit the coordinator is still writing the markers and answers CONCURRENT_TRANSACTIONS, which the Java client
// retries. sendOffsets fails before changing kafkajs's transaction state then, so calling it again is safe.
const COORDINATOR_BUSY = new Set([
  'CONCURRENT_TRANSACTIONS',
  'COORDINATOR_LOAD_IN_PROGRESS',
  'COORDINATOR_NOT_AVAILABLE',
  'NOT_COORDINATOR',
]);
const BUSY_RETRY: RetryPolicy = { initialMs: 20, maxMs: 1000, factor: 2, jitter: 0.2 };
const BUSY_ATTEMPTS = 10;

async function retryCoordinatorBusy(fn: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await fn();
      return;
    } catch (err) {
      if (attempt >= BUSY_ATTEMPTS || !COORDINATOR_BUSY.has(classifyError(err).code)) throw err;
      await new Promise((resolve) => setTimeout(resolve, backoffDelay(attempt, BUSY_RETRY)));
    }
  }
}

function offsetTopics(
  offsets: TransactionOffsets,
): { topic: string; partitions: { partition: number; offset: string }[] }[] {
  const byTopic = new Map<string, { partition: number; offset: string }[]>();
  for (const o of offsets.offsets) {
    const list = byTopic.get(o.topic) ?? [];
    list.push({ partition: o.partition, offset: o.offset.toString() });
    byTopic.set(o.topic, list);
  }
  return [...byTopic].map(([topic, partitions]) => ({ topic, partitions }));
}
