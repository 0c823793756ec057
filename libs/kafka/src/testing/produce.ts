import { CompressionTypes } from 'kafkajs';
import type { CompressionCodec } from '../options';
import { DEFAULT_MAX_BATCH_BYTES, splitForRequests } from '../request-split';
import type { OutgoingRecord } from '../types';
import { testKafka } from './broker';

type RawRecord = Omit<OutgoingRecord, 'topic'>;

export interface ProduceRawOptions {
  /** `gzip` sends each request as one gzip-compressed record batch, e.g. a compression bomb (default `none`). */
  readonly compression?: CompressionCodec;
}

/** Produces records to `topic` exactly as given (bytes, nulls, headers), acknowledged by all replicas. */
export async function produceRaw(topic: string, records: readonly RawRecord[], options: ProduceRawOptions = {}): Promise<void> {
  const compression = options.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None;
  const producer = testKafka('test-producer').producer({ allowAutoTopicCreation: false, idempotent: true });
  await producer.connect();
  try {
    // Cut like the product's producer: kafkajs puts a partition's records of one send in one record batch, which
    // the broker refuses above max.message.bytes.
    for (const slice of splitForRequests(records.map((r) => ({ ...r, topic })), DEFAULT_MAX_BATCH_BYTES)) {
      await producer.send({
        topic,
        acks: -1,
        compression,
        messages: slice.map((r) => ({
          key: r.key,
          value: r.value,
          headers: r.headers,
          ...(r.partition === undefined ? {} : { partition: r.partition }),
          ...(r.timestamp === undefined ? {} : { timestamp: r.timestamp }),
        })),
      });
    }
  } finally {
    await producer.disconnect();
  }
}
