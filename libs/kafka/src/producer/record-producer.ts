// The record producer: an idempotent kafkajs producer (acks from all in-sync replicas) behind a delivery that accepts
// a send only when every topic-partition in it acknowledged its records (delivery.ts). Partitions are decided here,
// before sending (partitioning.ts). When the broker rejects the producer's identity or sequence numbers
// (OUT_OF_ORDER_SEQUENCE_NUMBER, UNKNOWN_PRODUCER_ID, INVALID_PRODUCER_EPOCH), no resend with this producer id can
// succeed: the kafkajs producer is replaced by a new one (new id, sequences from 0) and the unacknowledged rest is
// resent by the caller's retry. That can duplicate records; it never loses one.
import type { Admin, Kafka, Producer } from 'kafkajs';
import { classifyError, KafkaAdapterError, PRODUCER_IDENTITY_CODES, toAdapterError } from '../errors';
import { pinnedRetry } from '../kafkajs-retry';
import { validateProducerOptions, type LoggerLike, type ProducerOptions } from '../options';
import { kafkajsPartitioner } from './kafkajs-partitioner';
import type { OutgoingRecord } from '../types';
import type { Delivery } from './delivery';
import { connectMetadataClient, SendPath } from './send-path';

/** A send in progress. After `complete()` rejects, calling it again resends only what is unacknowledged. */
export interface PendingSend {
  complete(): Promise<void>;
  /** Records acknowledged so far. */
  readonly acknowledged: number;
  /** Records not acknowledged yet. */
  readonly pending: number;
}

export interface RecordProducer {
  connect(): Promise<void>;
  /**
   * Sends all records and resolves once every one is acknowledged by all in-sync replicas of its partition. Rejects
   * with a KafkaAdapterError (`canRetry` tells whether resending can succeed); on rejection any subset may have been
   * written. For a retry that resends only the unacknowledged records, use `startSend`.
   */
  send(records: readonly OutgoingRecord[]): Promise<void>;
  /** A resumable send: see PendingSend. Nothing is sent before the first `complete()`. */
  startSend(records: readonly OutgoingRecord[]): PendingSend;
  disconnect(): Promise<void>;
  /** True between a successful connect() and disconnect() (false while a replaced producer reconnects). */
  isConnected(): boolean;
}

const COMPONENT = 'kafka.producer';

/** The plain producer's own defaults (the send settings' are SEND_DEFAULTS). */
export const PRODUCER_DEFAULTS = { maxInFlightRequests: 5, retries: 5 } as const;

export function createRecordProducer(kafka: Kafka, logger: LoggerLike, options: ProducerOptions): RecordProducer {
  validateProducerOptions(options);
  return new IdempotentRecordProducer(kafka, logger, options);
}

/** The kafkajs producer this one sends with; a new one (new id, sequences from 0) after each replacement. */
function newKafkajsProducer(kafka: Kafka, options: ProducerOptions): Producer {
  return kafka.producer({
    idempotent: true,
    // Kafka keeps idempotence state for the last 5 batches per partition; kafkajs also serialises produce
    // requests per broker for an idempotent producer, so this bounds the other requests on the connection.
    maxInFlightRequests: options.maxInFlightRequests ?? PRODUCER_DEFAULTS.maxInFlightRequests,
    // A typo'd output topic must fail the send, not create a topic with broker defaults.
    allowAutoTopicCreation: false,
    // Partitions are assigned before sending (partitioning.ts); this only serves records kafkajs partitions itself.
    createPartitioner: kafkajsPartitioner,
    retry: pinnedRetry({
      retries: options.retries ?? PRODUCER_DEFAULTS.retries,
      initialRetryTime: 100,
      maxRetryTime: 2000,
    }),
  });
}

class IdempotentRecordProducer implements RecordProducer {
  private producer: Producer | undefined;
  /** Bumped at every replacement: a failure of an older producer's request is the replacement's doing. */
  private generation = 0;
  private connecting: Promise<Producer> | undefined;
  private wanted = false;
  private admin: Admin | undefined;
  private readonly sendPath: SendPath;

  constructor(
    private readonly kafka: Kafka,
    private readonly logger: LoggerLike,
    private readonly options: ProducerOptions,
  ) {
    this.sendPath = new SendPath(() => this.admin, options);
  }

  async connect(): Promise<void> {
    this.wanted = true;
    try {
      this.admin ??= await connectMetadataClient(this.kafka);
    } catch (err) {
      throw toAdapterError(err, 'producer connect failed');
    }
    await this.connected();
  }

  send(records: readonly OutgoingRecord[]): Promise<void> {
    return records.length === 0 ? Promise.resolve() : this.startSend(records).complete();
  }

  startSend(records: readonly OutgoingRecord[]): PendingSend {
    let delivery: Delivery | undefined;
    return {
      complete: async () => {
        delivery ??= await this.deliveryOf(records);
        await this.deliver(delivery);
      },
      get acknowledged() {
        return delivery?.acknowledged ?? 0;
      },
      get pending() {
        return delivery ? delivery.pending : records.length;
      },
    };
  }

  async disconnect(): Promise<void> {
    this.wanted = false;
    const clients = [
      ['producer', this.producer],
      ['producer metadata client', this.admin],
    ] as const;
    this.producer = undefined;
    this.admin = undefined;
    for (const [what, client] of clients) {
      try {
        await client?.disconnect();
      } catch (err) {
        this.logger.warn(`${what} disconnect failed`, { component: COMPONENT, error: String(err) });
      }
    }
  }

  isConnected(): boolean {
    return this.wanted && this.producer !== undefined;
  }

  /** The records, partitioned: what each topic-partition must acknowledge. */
  private async deliveryOf(records: readonly OutgoingRecord[]): Promise<Delivery> {
    this.assertWanted();
    try {
      return await this.sendPath.delivery(records);
    } catch (err) {
      throw toAdapterError(err, 'partitioning the send failed');
    }
  }

  /** Sends what `delivery` still misses; a rejected identity replaces the producer before the error goes up. */
  private async deliver(delivery: Delivery): Promise<void> {
    this.assertWanted();
    if (delivery.done) return;
    const producer = await this.connected();
    const generation = this.generation;
    try {
      await delivery.run(this.sendPath.requests(producer));
    } catch (err) {
      const { code } = classifyError(err);
      if (PRODUCER_IDENTITY_CODES.has(code)) await this.replace(generation, code);
      if (code === 'UNKNOWN_TOPIC_OR_PARTITION') this.sendPath.forgetPartitionCounts();
      if (generation !== this.generation && !(err instanceof KafkaAdapterError && err.canRetry)) {
        // The producer was replaced under this send (by another send's failure): its error says nothing.
        throw new KafkaAdapterError(
          `send interrupted by a producer replacement: ${delivery.pending} records will be resent`,
          { code: 'PRODUCER_REPLACED', canRetry: true, cause: err },
        );
      }
      throw err;
    }
  }

  private assertWanted(): void {
    if (!this.wanted) throw new KafkaAdapterError('producer not connected', { code: 'NOT_CONNECTED', canRetry: false });
  }

  /** The current kafkajs producer, connecting a new one when there is none (one connect at a time). */
  private connected(): Promise<Producer> {
    if (this.producer) return Promise.resolve(this.producer);
    this.connecting ??= this.connectNew();
    return this.connecting;
  }

  private async connectNew(): Promise<Producer> {
    const producer = newKafkajsProducer(this.kafka, this.options);
    try {
      await producer.connect();
    } catch (err) {
      throw toAdapterError(err, 'producer connect failed');
    } finally {
      this.connecting = undefined;
    }
    if (!this.wanted) {
      await producer.disconnect();
      throw new KafkaAdapterError('producer disconnected while connecting', { code: 'NOT_CONNECTED', canRetry: false });
    }
    this.producer = producer;
    return producer;
  }

  /** Replaces the producer whose identity the broker rejected (once per generation, whoever noticed first). */
  private async replace(failedGeneration: number, code: string): Promise<void> {
    if (failedGeneration !== this.generation) return;
    this.generation += 1;
    const old = this.producer;
    this.producer = undefined;
    this.logger.warn(
      'the broker rejected the producer id or its sequence numbers: replacing the producer and resending what was not acknowledged',
      { component: COMPONENT, code },
    );
    await old?.disconnect().catch((err: unknown) =>
      this.logger.debug('disconnect of the replaced producer failed', {
        component: COMPONENT,
        code: classifyError(err).code,
      }),
    );
  }
}
