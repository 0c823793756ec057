// The record producer: idempotent, acks from all in-sync replicas. A send is one sendBatch per slice of at most
// `maxBatchBytes` per topic-partition (see request-split.ts), the slices sent one after the other.
import { CompressionTypes, Partitioners, type Kafka, type Producer } from 'kafkajs';
import { toAdapterError } from './errors';
import { validateProducerOptions, type CompressionCodec, type LoggerLike, type ProducerOptions } from './options';
import { groupByTopic } from './records';
import { DEFAULT_MAX_BATCH_BYTES, splitForRequests } from './request-split';
import type { OutgoingRecord } from './types';

export interface RecordProducer {
  connect(): Promise<void>;
  /**
   * Sends all records and resolves once every one is acknowledged by all in-sync replicas. The records are cut into
   * consecutive produce requests whose records per topic-partition stay within `maxBatchBytes` (a larger record is
   * sent alone), sent one after the other, so each partition's order is kept. Rejects at the first request that
   * fails, with a KafkaAdapterError (`canRetry` tells whether resending can succeed); on rejection any subset may
   * have been written, so a resend can duplicate (never lose) records.
   */
  send(records: readonly OutgoingRecord[]): Promise<void>;
  disconnect(): Promise<void>;
  /** True between a successful connect() and disconnect(). */
  isConnected(): boolean;
}

const COMPRESSION = { none: CompressionTypes.None, gzip: CompressionTypes.GZIP } as const;

/**
 * A slice's records grouped by codec, for one sendBatch each (kafkajs takes one codec per call). A topic has one
 * codec, so each topic-partition's records stay in one group, in their order.
 */
export function groupByCodec(
  records: readonly OutgoingRecord[],
  codecOf: (topic: string) => CompressionCodec,
): Array<{ codec: CompressionCodec; records: OutgoingRecord[] }> {
  const groups = new Map<CompressionCodec, OutgoingRecord[]>();
  for (const record of records) {
    const codec = codecOf(record.topic);
    const group = groups.get(codec);
    if (group) group.push(record);
    else groups.set(codec, [record]);
  }
  return [...groups].map(([codec, grouped]) => ({ codec, records: grouped }));
}

function codecLookup(compression: ProducerOptions['compression']): (topic: string) => CompressionCodec {
  if (compression === undefined || typeof compression === 'string') {
    const codec = compression ?? 'none';
    return () => codec;
  }
  return (topic) => (Object.prototype.hasOwnProperty.call(compression, topic) ? (compression[topic] ?? 'none') : 'none');
}

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
  const codecOf = codecLookup(options.compression);
  const ackTimeout = options.ackTimeoutMs ?? 30_000;
  const maxBatchBytes = options.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES;
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
      const slices = splitForRequests(records, maxBatchBytes);
      let sent = 0;
      for (const [i, slice] of slices.entries()) {
        try {
          // Sequential on purpose: a slice (and each codec's part of it) starts only after the previous one was
          // acknowledged.
          for (const group of groupByCodec(slice, codecOf)) {
            await producer.sendBatch({
              topicMessages: groupByTopic(group.records),
              acks: -1,
              timeout: ackTimeout,
              compression: COMPRESSION[group.codec],
            });
          }
        } catch (err) {
          const where = slices.length === 1 ? '' : ` (request ${i + 1} of ${slices.length}, ${sent} records acknowledged before it)`;
          throw toAdapterError(err, `send of ${records.length} records failed${where}`);
        }
        sent += slice.length;
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
