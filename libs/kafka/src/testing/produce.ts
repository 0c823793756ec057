import { CompressionTypes } from 'kafkajs';
import type { CompressionCodec } from '../options';
import { DEFAULT_MAX_BATCH_BYTES, estimateRecordBytes } from '../producer/record-size';
import type { OutgoingRecord } from '../types';
import { testKafka } from './broker';

type RawRecord = Omit<OutgoingRecord, 'topic'>;

/** Consecutive slices of at most `budget` estimated bytes in all (a larger record alone). */
function slices(topic: string, records: readonly RawRecord[], budget: number): RawRecord[][] {
  const out: RawRecord[][] = [];
  let current: RawRecord[] = [];
  let bytes = 0;
  for (const record of records) {
    const size = estimateRecordBytes({ ...record, topic });
    if (current.length > 0 && bytes + size > budget) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(record);
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}

export interface ProduceRawOptions {
  /** `gzip` sends each request as one gzip-compressed record batch, e.g. a compression bomb (default `none`). */
  readonly compression?: CompressionCodec;
  /** Records per send are cut at this many (uncompressed) bytes; `Infinity` sends them all as one batch. */
  readonly sliceBytes?: number;
}

/** Produces records to `topic` exactly as given (bytes, nulls, headers), acknowledged by all replicas. */
export async function produceRaw(
  topic: string,
  records: readonly RawRecord[],
  options: ProduceRawOptions = {},
): Promise<void> {
  const compression = options.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None;
  const producer = testKafka('test-producer').producer({ allowAutoTopicCreation: false, idempotent: true });
  await producer.connect();
  try {
    // Cut like the product's producer: kafkajs puts a partition's records of one send in one record batch, which
    // the broker refuses above max.message.bytes.
    for (const slice of slices(topic, records, options.sliceBytes ?? DEFAULT_MAX_BATCH_BYTES)) {
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

/**
 * Produces each batch to `topic` in its own transaction, committed or aborted as asked: the log then holds
 * transaction markers (control records), and the aborted records stay in it, invisible to read_committed readers.
 */
export async function produceTransactions(
  topic: string,
  batches: ReadonlyArray<{ records: readonly RawRecord[]; commit: boolean }>,
): Promise<void> {
  const producer = testKafka('test-transactional-producer').producer({
    allowAutoTopicCreation: false,
    idempotent: true,
    maxInFlightRequests: 1,
    transactionalId: `test-txn-${process.pid}-${Date.now()}-${Math.random().toString(16).slice(2)}`,
  });
  await producer.connect();
  try {
    for (const batch of batches) {
      const txn = await producer.transaction();
      await txn.send({
        topic,
        acks: -1,
        messages: batch.records.map((r) => ({
          key: r.key,
          value: r.value,
          headers: r.headers,
          ...(r.partition === undefined ? {} : { partition: r.partition }),
        })),
      });
      if (batch.commit) await txn.commit();
      else await txn.abort();
    }
  } finally {
    await producer.disconnect();
  }
}
