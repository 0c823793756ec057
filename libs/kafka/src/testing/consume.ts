import type { IHeaders, KafkaMessage } from 'kafkajs';
import type { ConsumedRecord, RecordHeaders } from '../types';
import { testKafka } from './broker';
import { partitionsWithOpenTransactions } from './offsets';
import { uniqueName } from './topics';

export interface ConsumeOptions {
  /** Give up after this long; the error says how many records did arrive. */
  readonly timeoutMs?: number;
  /** After N records arrive, keep reading this long to catch records beyond N (0: return at once). */
  readonly settleMs?: number;
}

function toHeaders(headers: IHeaders | undefined): RecordHeaders {
  const out: RecordHeaders = {};
  const bytes = (v: Buffer | string | null) => (v === null ? Buffer.alloc(0) : Buffer.isBuffer(v) ? v : Buffer.from(v));
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    // An own property even for a header named `__proto__`.
    Object.defineProperty(out, name, {
      value: Array.isArray(value)
        ? value.map((v) => bytes(v as Buffer | string | null))
        : bytes(value as Buffer | string | null),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

// Converted here rather than with libs/kafka's toConsumedRecord: these readers are the tests' independent witness.
function asConsumedRecord(topic: string, partition: number, m: KafkaMessage): ConsumedRecord {
  return {
    topic,
    partition,
    offset: m.offset,
    timestamp: m.timestamp,
    key: m.key,
    value: m.value,
    headers: toHeaders(m.headers),
  };
}

/**
 * Reads `topic` from the beginning with a fresh consumer group until `count` records have arrived, then returns
 * them in arrival order (per partition, offset order). Rejects with a clear message on timeout.
 */
export async function consumeUntil(
  topic: string,
  count: number,
  options: ConsumeOptions = {},
): Promise<ConsumedRecord[]> {
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
              records.push(asConsumedRecord(batch.topic, batch.partition, m));
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

/**
 * Every record a consumer with the given isolation level sees in `topic` up to its current end offsets, in
 * partition and offset order. read_committed (the default): records of aborted or still open transactions are not
 * there; read_uncommitted: they are. Reads with kafkajs's own consumer (a fresh group), not with libs/kafka's reader,
 * so tests of that reader and of transactions have an independent witness.
 */
export async function readToEnd(
  topic: string,
  {
    timeoutMs = 60_000,
    isolation = 'read_committed',
  }: { timeoutMs?: number; isolation?: 'read_committed' | 'read_uncommitted' } = {},
): Promise<ConsumedRecord[]> {
  const kafka = testKafka('test-reader');
  if (isolation === 'read_committed') await settleTransactionMarkers(topic);
  const admin = kafka.admin();
  await admin.connect();
  // kafkajs's admin lists offsets read_committed: the last stable offset, which is why markers are awaited above.
  const ends = new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, BigInt(o.high)]));
  await admin.disconnect();
  const reached = new Map([...ends].map(([p, end]) => [p, end === 0n]));
  const records: ConsumedRecord[] = [];
  if ([...reached.values()].every(Boolean)) return records;
  const consumer = kafka.consumer({
    groupId: uniqueName('test-reader'),
    maxWaitTimeInMs: 200,
    readUncommitted: isolation === 'read_uncommitted',
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new Error(`readToEnd(${topic}): ${records.length} records, end not reached after ${timeoutMs} ms`)),
        timeoutMs,
      );
      const reach = (partition: number, lastOffset: string) => {
        // lastOffset counts transaction markers and aborted records too: the position after this batch.
        if (BigInt(lastOffset) + 1n >= (ends.get(partition) ?? 0n)) reached.set(partition, true);
        if ([...reached.values()].every(Boolean)) {
          clearTimeout(timer);
          resolve();
        }
      };
      // A fetch of nothing but markers and aborted records reaches no eachBatch, only this event.
      consumer.on(consumer.events.END_BATCH_PROCESS, (e) => {
        if (e.payload.batchSize === 0) reach(e.payload.partition, e.payload.lastOffset);
      });
      consumer
        .run({
          eachBatch: async ({ batch }) => {
            for (const m of batch.messages) {
              if (BigInt(m.offset) >= (ends.get(batch.partition) ?? 0n)) continue;
              records.push(asConsumedRecord(topic, batch.partition, m));
            }
            reach(batch.partition, batch.lastOffset());
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return records.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
}

/**
 * A committed transaction's records become readable only once the coordinator has written its commit markers, which
 * it does after EndTxn has answered. Reading right after a commit could stop at the last stable offset, before them.
 * Waits (bounded) for every partition's last stable offset to reach its high watermark; a transaction that stays
 * open (a test's killed holder) is left as it is after MARKER_SETTLE_MS and its records stay invisible.
 */
async function settleTransactionMarkers(topic: string): Promise<void> {
  const deadline = Date.now() + MARKER_SETTLE_MS;
  while ((await partitionsWithOpenTransactions(topic)).length > 0 && Date.now() < deadline) await sleep(50);
}

const MARKER_SETTLE_MS = 5_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** readToEnd with read_committed. */
export function readCommitted(topic: string, options: { timeoutMs?: number } = {}): Promise<ConsumedRecord[]> {
  return readToEnd(topic, { ...options, isolation: 'read_committed' });
}
