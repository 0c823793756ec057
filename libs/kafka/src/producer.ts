// The record producer: idempotent, acks from all in-sync replicas, one sendBatch per call.
import { CompressionTypes, Partitioners, type Kafka, type Producer } from 'kafkajs';
import { toAdapterError } from './errors';
import { validateProducerOptions, type LoggerLike, type ProducerOptions } from './options';
import { groupByTopic } from './records';
import type { OutgoingRecord } from './types';

export interface RecordProducer {
  connect(): Promise<void>;
  /**
   * Sends all records in one request set (grouped by topic) and resolves once every one is acknowledged by all
   * in-sync replicas. Rejects with a KafkaAdapterError (`canRetry` tells whether resending can succeed); on
   * rejection any subset may have been written, so a resend can duplicate (never lose) records.
   */
  send(records: readonly OutgoingRecord[]): Promise<void>;
  disconnect(): Promise<void>;
  /** True between a successful connect() and disconnect(). */
  isConnected(): boolean;
}

const COMPRESSION = { none: CompressionTypes.None, gzip: CompressionTypes.GZIP } as const;

export function createRecordProducer(kafka: Kafka, logger: LoggerLike, options: ProducerOptions): RecordProducer {
  validateProducerOptions(options);
  const producer: Producer = kafka.producer({
    idempotent: true,
    // Kafka keeps idempotence state for the last 5 batches per partition; kafkajs also serialises produce
    // requests per broker for an idempotent producer, so this bounds the other requests on the connection.
    maxInFlightRequests: options.maxInFlightRequests ?? 5,
    // A typo'd output topic must fail the send, not create a topic with broker defaults.
    allowAutoTopicCreation: false,
    // The Java client's murmur2 partitioner: a user_id lands on the same partition whichever client produced it.
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: { retries: options.retries ?? 5, initialRetryTime: 100, maxRetryTime: 2000 },
  });
  const compression = COMPRESSION[options.compression ?? 'none'];
  const ackTimeout = options.ackTimeoutMs ?? 30_000;
  let connected = false;

  return {
    async connect() {
      try {
        await producer.connect();
        connected = true;
      } catch (err) {
        throw toAdapterError(err, 'producer connect failed');
      }
    },
    async send(records) {
      if (records.length === 0) return;
      try {
        await producer.sendBatch({ topicMessages: groupByTopic(records), acks: -1, timeout: ackTimeout, compression });
      } catch (err) {
        throw toAdapterError(err, `send of ${records.length} records failed`);
      }
    },
    async disconnect() {
      connected = false;
      try {
        await producer.disconnect();
      } catch (err) {
        logger.warn('producer disconnect failed', { component: 'kafka.producer', error: String(err) });
      }
    },
    isConnected: () => connected,
  };
}
