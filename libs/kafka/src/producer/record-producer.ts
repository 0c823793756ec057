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
import { SendPath } from './send-path';

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
  const newProducer = (): Producer =>
    kafka.producer({
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

  let producer: Producer | undefined;
  /** Bumped at every replacement: a failure of an older producer's request is the replacement's doing. */
  let generation = 0;
  let connecting: Promise<Producer> | undefined;
  let wanted = false;
  let admin: Admin | undefined;
  const sendPath = new SendPath(() => admin, options);

  async function connected(): Promise<Producer> {
    if (producer) return producer;
    connecting ??= (async () => {
      const p = newProducer();
      try {
        await p.connect();
      } catch (err) {
        throw toAdapterError(err, 'producer connect failed');
      } finally {
        connecting = undefined;
      }
      if (!wanted) {
        await p.disconnect();
        throw new KafkaAdapterError('producer disconnected while connecting', {
          code: 'NOT_CONNECTED',
          canRetry: false,
        });
      }
      producer = p;
      return p;
    })();
    return connecting;
  }

  /** Replaces the producer whose identity the broker rejected (once per generation, whoever noticed first). */
  async function replace(failedGeneration: number, code: string): Promise<void> {
    if (failedGeneration !== generation) return;
    generation += 1;
    const old = producer;
    producer = undefined;
    logger.warn(
      'the broker rejected the producer id or its sequence numbers: replacing the producer and resending what was not acknowledged',
      {
        component: COMPONENT,
        code,
      },
    );
    await old?.disconnect().catch((err: unknown) =>
      logger.debug('disconnect of the replaced producer failed', {
        component: COMPONENT,
        code: classifyError(err).code,
      }),
    );
  }

  function startSend(records: readonly OutgoingRecord[]): PendingSend {
    let delivery: Delivery | undefined;
    const pending = {
      async complete(): Promise<void> {
        if (!wanted) throw new KafkaAdapterError('producer not connected', { code: 'NOT_CONNECTED', canRetry: false });
        if (!delivery) {
          try {
            delivery = await sendPath.delivery(records);
          } catch (err) {
            throw toAdapterError(err, 'partitioning the send failed');
          }
        }
        if (delivery.done) return;
        const p = await connected();
        const gen = generation;
        try {
          await delivery.run(sendPath.requests(p));
        } catch (err) {
          const { code } = classifyError(err);
          if (PRODUCER_IDENTITY_CODES.has(code)) await replace(gen, code);
          if (code === 'UNKNOWN_TOPIC_OR_PARTITION') sendPath.forgetPartitionCounts();
          if (gen !== generation && !(err instanceof KafkaAdapterError && err.canRetry)) {
            // The producer was replaced under this send (by another send's failure): its error says nothing.
            throw new KafkaAdapterError(
              `send interrupted by a producer replacement: ${delivery.pending} records will be resent`,
              {
                code: 'PRODUCER_REPLACED',
                canRetry: true,
                cause: err,
              },
            );
          }
          throw err;
        }
      },
      get acknowledged() {
        return delivery?.acknowledged ?? 0;
      },
      get pending() {
        return delivery ? delivery.pending : records.length;
      },
    };
    return pending;
  }

  return {
    async connect() {
      wanted = true;
      try {
        if (!admin) {
          const a = kafka.admin({ retry: pinnedRetry({ retries: 3 }) });
          await a.connect();
          admin = a;
        }
      } catch (err) {
        throw toAdapterError(err, 'producer connect failed');
      }
      await connected();
    },
    send: (records) => (records.length === 0 ? Promise.resolve() : startSend(records).complete()),
    startSend,
    async disconnect() {
      wanted = false;
      const p = producer;
      const a = admin;
      producer = undefined;
      admin = undefined;
      for (const [what, client] of [
        ['producer', p],
        ['producer metadata client', a],
      ] as const) {
        try {
          await client?.disconnect();
        } catch (err) {
          logger.warn(`${what} disconnect failed`, { component: COMPONENT, error: String(err) });
        }
      }
    },
    isConnected: () => wanted && producer !== undefined,
  };
}
