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

/** Produces records to `topic` exactly as given (bytes, nulls, headers), acknowledged by all replicas. */
export async function produceRaw(topic: string, records: readonly RawRecord[]): Promise<void> {
  const producer = testKafka('test-producer').producer({ allowAutoTopicCreation: false, idempotent: true });
  await producer.connect();
  try {
    // Cut like the product's producer: kafkajs puts a partition's records of one send in one record batch, which
    // the broker refuses above max.message.bytes.
    for (const slice of slices(topic, records, DEFAULT_MAX_BATCH_BYTES)) {
      await producer.send({
        topic,
        acks: -1,
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
