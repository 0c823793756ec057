import type { OutgoingRecord } from '../types';
import { testKafka } from './broker';

type RawRecord = Omit<OutgoingRecord, 'topic'>;

/** Produces records to `topic` exactly as given (bytes, nulls, headers), acknowledged by all replicas. */
export async function produceRaw(topic: string, records: readonly RawRecord[]): Promise<void> {
  const producer = testKafka('test-producer').producer({ allowAutoTopicCreation: false, idempotent: true });
  await producer.connect();
  try {
    const chunk = 5000;
    for (let i = 0; i < records.length; i += chunk) {
      await producer.send({
        topic,
        acks: -1,
        messages: records.slice(i, i + chunk).map((r) => ({
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
