// What every producer of libs/kafka shares between its records and a kafkajs `sendBatch`: partitions decided before
// sending (partitioning.ts), a delivery that accepts a send only with an acknowledgement from every partition in it
// (delivery.ts), per-topic compression. The plain producer and the transactional one differ only in what they
// call `sendBatch` on (a producer, or a transaction).
import { CompressionTypes, type Admin, type Kafka, type RecordMetadata, type TopicMessages } from 'kafkajs';
import { pinnedRetry } from '../kafkajs-retry';
import { KafkaAdapterError } from '../errors';
import type { CompressionCodec } from '../options';
import { toKafkaMessage } from '../records';
import type { OutgoingRecord } from '../types';
import { Delivery, type PartitionAck, type ProduceRequest, type SendRequest } from './delivery';
import { PartitionAssigner, PartitionCountCache } from './partitioning';
import { DEFAULT_MAX_BATCH_BYTES } from './record-size';

/** The admin client a SendPath reads partition counts with; each producer connects one on its first connect. */
export async function connectMetadataClient(kafka: Kafka): Promise<Admin> {
  const admin = kafka.admin({ retry: pinnedRetry({ retries: 3 }) });
  await admin.connect();
  return admin;
}

export interface SendPathOptions {
  readonly maxBatchBytes?: number;
  readonly ackTimeoutMs?: number;
  readonly compression?: CompressionCodec;
  readonly compressionByTopic?: Readonly<Record<string, CompressionCodec>>;
}

/** kafkajs's sendBatch, on a producer or on a transaction. */
export interface BatchSender {
  sendBatch(batch: {
    topicMessages: TopicMessages[];
    acks: number;
    timeout: number;
    compression: CompressionTypes;
  }): Promise<RecordMetadata[]>;
}

const COMPRESSION: Record<CompressionCodec, CompressionTypes> = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
};

function toTopicMessages(request: ProduceRequest): TopicMessages[] {
  const byTopic = new Map<string, TopicMessages>();
  for (const slice of request.slices) {
    let entry = byTopic.get(slice.topic);
    if (!entry) {
      entry = { topic: slice.topic, messages: [] };
      byTopic.set(slice.topic, entry);
    }
    for (const record of slice.records) entry.messages.push(toKafkaMessage(record));
  }
  return [...byTopic.values()];
}

const toAck = (m: RecordMetadata): PartitionAck => ({
  topic: m.topicName,
  partition: m.partition,
  errorCode: m.errorCode,
});

/** The send settings' defaults, shared by the plain and the transactional producer. */
export const SEND_DEFAULTS = {
  maxBatchBytes: DEFAULT_MAX_BATCH_BYTES,
  ackTimeoutMs: 30_000,
  compression: 'none',
} as const;

export class SendPath {
  private readonly assigner = new PartitionAssigner();
  private readonly counts: PartitionCountCache;
  private readonly maxBatchBytes: number;
  private readonly ackTimeout: number;
  private readonly codecOf: (topic: string) => CompressionCodec;

  /** `metadata`: the connected admin client that tells partition counts (undefined when not connected). */
  constructor(metadata: () => Admin | undefined, options: SendPathOptions) {
    this.maxBatchBytes = options.maxBatchBytes ?? SEND_DEFAULTS.maxBatchBytes;
    this.ackTimeout = options.ackTimeoutMs ?? SEND_DEFAULTS.ackTimeoutMs;
    const fallback = options.compression ?? SEND_DEFAULTS.compression;
    this.codecOf = (topic) => options.compressionByTopic?.[topic] ?? fallback;
    this.counts = new PartitionCountCache(async (topics) => {
      const admin = metadata();
      if (!admin) throw new KafkaAdapterError('producer not connected', { code: 'NOT_CONNECTED', canRetry: true });
      const { topics: described } = await admin.fetchTopicMetadata({ topics: [...topics] });
      return new Map(described.map((t) => [t.name, t.partitions.length]));
    });
  }

  /** A delivery of `records`, their partitions decided now. */
  async delivery(records: readonly OutgoingRecord[]): Promise<Delivery> {
    const counts = await this.counts.counts(records.map((r) => r.topic));
    return new Delivery(this.assigner.assign(records, counts), {
      maxBatchBytes: this.maxBatchBytes,
      codecOf: this.codecOf,
    });
  }

  /** The request function of a delivery that sends on `sender` (acks from all in-sync replicas). */
  requests(sender: BatchSender): SendRequest {
    return async (request) =>
      (
        await sender.sendBatch({
          topicMessages: toTopicMessages(request),
          acks: -1,
          timeout: this.ackTimeout,
          compression: COMPRESSION[request.codec],
        })
      ).map(toAck);
  }

  /** After an unknown-partition error: ask the cluster again at the next send. */
  forgetPartitionCounts(): void {
    this.counts.invalidate();
  }
}
