import type { KafkaClientConfig, LoggerLike, OutgoingRecord, RecordProducer } from '@login/kafka';
import { createKafkaClient } from '@login/kafka';
import type { GeneratedRecord } from '../core/event-builder';
import type { RecordSink } from '../core/generate';

export interface KafkaSink extends RecordSink {
  /** Connects the producer and checks the topic exists (the producer never auto-creates topics). */
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  isConnected(): boolean;
}

export function toOutgoingRecord(topic: string, record: GeneratedRecord): OutgoingRecord {
  return { topic, key: record.key, value: record.value };
}

/** Produces generated batches to `topic` through libs/kafka: one producer send per batch (cut by bytes in libs/kafka), acks from all replicas. */
export function createKafkaSink(config: KafkaClientConfig, topic: string, logger: LoggerLike): KafkaSink {
  const client = createKafkaClient(config, logger);
  const producer: RecordProducer = client.producer({ maxInFlightRequests: 5 });
  return {
    async connect() {
      const admin = client.admin();
      await admin.connect();
      try {
        await admin.topicEndOffsets(topic);
      } catch (error) {
        throw new Error(
          `topic "${topic}" is not available on ${config.brokers.join(',')} (create it, e.g. npm run kafka:topics): ${error instanceof Error ? error.message : String(error)}`,
        );
      } finally {
        await admin.disconnect();
      }
      await producer.connect();
    },
    send: (records) => producer.send(records.map((r) => toOutgoingRecord(topic, r))),
    disconnect: () => producer.disconnect(),
    isConnected: () => producer.isConnected(),
  };
}
