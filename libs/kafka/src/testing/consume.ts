import type { IHeaders } from 'kafkajs';
import type { ConsumedRecord, RecordHeaders } from '../types';
import { testKafka } from './broker';
import { uniqueName } from './topics';

export interface ConsumeOptions {
  /** Give up after this long; the error says how many records did arrive. */
  readonly timeoutMs?: number;
  /** After N records arrive, keep reading this long to catch records beyond N (0: return at once). */
  readonly settleMs?: number;
}

function toHeaders(headers: IHeaders | undefined): RecordHeaders {
  const out: RecordHeaders = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    out[name] = Array.isArray(value)
      ? value.map((v) => (Buffer.isBuffer(v) ? v : Buffer.from(v)))
      : Buffer.isBuffer(value)
        ? value
        : Buffer.from(value);
  }
  return out;
}

/**
 * Reads `topic` from the beginning with a fresh consumer group until `count` records have arrived, then returns
 * them in arrival order (per partition, offset order). Rejects with a clear message on timeout.
 */
export async function consumeUntil(topic: string, count: number, options: ConsumeOptions = {}): Promise<ConsumedRecord[]> {
  const { timeoutMs = 30_000, settleMs = 0 } = options;
  if (count === 0 && settleMs === 0) return [];
  const consumer = testKafka('test-consumer').consumer({ groupId: uniqueName('test-group'), maxWaitTimeInMs: 200 });
  const records: ConsumedRecord[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      let settling: NodeJS.Timeout | undefined;
      const timer = setTimeout(() => {
        reject(new Error(`consumeUntil(${topic}): ${records.length} of ${count} records after ${timeoutMs} ms`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      consumer
        .run({
          eachBatch: async ({ batch }) => {
            for (const m of batch.messages) {
              records.push({
                topic: batch.topic,
                partition: batch.partition,
                offset: m.offset,
                timestamp: m.timestamp,
                key: m.key,
                value: m.value,
                headers: toHeaders(m.headers),
              });
            }
            if (records.length >= count && settling === undefined) {
              settling = setTimeout(done, settleMs);
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return records;
}
