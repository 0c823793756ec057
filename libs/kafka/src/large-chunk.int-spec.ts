// A chunk whose outputs exceed the broker's max.message.bytes on one partition: kafkajs puts all records of one
// topic-partition of one request into one record batch, which the broker refuses (MESSAGE_TOO_LARGE, not
// retriable). The producer cuts a send into requests under ProducerOptions.maxBatchBytes per topic-partition.
import { type BatchConsumer, type TransformResult } from './index';
import {
  committedOffsets,
  consumeUntil,
  createTestTopic,
  deleteTestTopics,
  endOffsets,
  produceRaw,
  quietLogger,
  recordCount,
  testConsumers,
  sumOffsets,
  uniqueName,
  waitFor,
} from './testing';
import type { ConsumedRecord, OutgoingRecord } from './types';

/** Waits until the group committed `total` records of `topic`; fails at once when the runner stopped on an error. */
async function committedToTheEnd(consumer: BatchConsumer, group: string, topic: string, total: number): Promise<void> {
  const stopped = consumer.done.then(() => {
    throw new Error('the batch consumer stopped before committing everything');
  });
  await Promise.race([
    stopped,
    waitFor(
      'commits to reach the end offsets',
      async () => sumOffsets((await committedOffsets(group, topic)).values()) === total,
      60_000,
    ),
  ]);
}

/** A ~400-byte JSON value carrying its number. */
function value(n: number): string {
  const head = `{"n":${n},"pad":"`;
  return `${head}${'x'.repeat(398 - head.length)}"}`;
}

const { start, client } = testConsumers<null>(quietLogger);
afterAll(deleteTestTopics);

/** Keyed outputs without a partition (like the processor's): the partitioner picks it at send time. */
const keyedTo =
  (topic: string) =>
  (records: readonly ConsumedRecord[]): TransformResult<null> => ({
    records: records.map((r) => ({
      topic,
      key: `user-${Number(JSON.parse(r.value!.toString()).n) % 97}`,
      value: r.value,
      headers: { src: `${r.partition}:${r.offset}` },
    })),
    outcomes: records.map(() => null),
  });

/** Every input record arrived exactly once, and per output partition each input partition's records are in order. */
function expectExactlyOnceInOrder(produced: readonly ConsumedRecord[], total: number): void {
  const numbers = produced.map((r) => Number(JSON.parse(r.value!.toString()).n));
  expect(numbers).toHaveLength(total);
  expect(new Set(numbers).size).toBe(total);
  expect(Math.min(...numbers)).toBe(0);
  expect(Math.max(...numbers)).toBe(total - 1);
  const last = new Map<string, bigint>();
  for (const r of produced) {
    const [srcPartition, srcOffset] = String(r.headers['src']).split(':');
    const stream = `${r.partition}<-${srcPartition}`;
    const offset = BigInt(srcOffset ?? '-1');
    expect(offset).toBeGreaterThan(last.get(stream) ?? -1n);
    last.set(stream, offset);
  }
}

describe('a send larger than max.message.bytes per partition', () => {
  it('is refused by the broker as one request, and accepted when cut by maxBatchBytes', async () => {
    const topic = await createTestTopic('split-producer', { partitions: 1, config: { 'max.message.bytes': '200000' } });
    const records = Array.from({ length: 600 }, (_, i): OutgoingRecord => ({
      topic,
      key: `user-${i}`,
      value: value(i),
    }));
    const kafka = client();

    // The root cause: one request puts all ~250 KB of the partition in one record batch, over the topic's limit.
    const unsplit = kafka.producer({ maxBatchBytes: 64 * 1024 * 1024 });
    await unsplit.connect();
    try {
      await expect(unsplit.send(records)).rejects.toMatchObject({
        name: 'KafkaAdapterError',
        code: 'MESSAGE_TOO_LARGE',
        canRetry: false,
      });
    } finally {
      await unsplit.disconnect();
    }
    expect(await recordCount(topic)).toBe(0);

    const split = kafka.producer({ maxBatchBytes: 150_000 });
    await split.connect();
    try {
      await split.send(records);
    } finally {
      await split.disconnect();
    }
    const produced = await consumeUntil(topic, 600, { settleMs: 500 });
    expect(produced.map((r) => r.value!.toString())).toEqual(records.map((r) => r.value));
  });

  /** Drains `total` records of ~400 B from a 2-partition input into `output` in chunks of up to 5,000 records. */
  async function drainInLargeChunks(
    name: string,
    output: string,
    total: number,
    producerOptions?: { maxBatchBytes: number },
  ) {
    const input = await createTestTopic(`${name}-in`, { partitions: 2 });
    await produceRaw(
      input,
      Array.from({ length: total }, (_, i) => ({ key: `k${i}`, value: value(i), partition: i % 2 })),
    );
    const group = uniqueName(name);
    const chunks: number[] = [];
    const retries: string[] = [];
    const consumer = start(input, group, {
      transform: keyedTo(output),
      maxRecordsPerChunk: 5000,
      // Fetch more than a chunk's worth, so that full 5,000-record chunks happen.
      maxBytesPerPartition: 8 * 1024 * 1024,
      maxBytes: 16 * 1024 * 1024,
      ...(producerOptions ? { producerOptions } : {}),
      hooks: {
        onChunk: (info) => chunks.push(info.records),
        onRetry: (info) => retries.push(`${info.stage}:${info.code}`),
      },
    });
    await consumer.start();
    await committedToTheEnd(consumer, group, input, total);

    expect(retries).toEqual([]);
    expect(Math.max(...chunks)).toBe(5000);
    expect(await committedOffsets(group, input)).toEqual(await endOffsets(input));
    expectExactlyOnceInOrder(await consumeUntil(output, total, { settleMs: 1000, timeoutMs: 60_000 }), total);
    return consumer;
  }

  it('with the default budget: 5,000-record chunks (~2 MB of output on one partition) are delivered and committed', async () => {
    const output = await createTestTopic('split-default-out', { partitions: 1 });
    const consumer = await drainInLargeChunks('split-default', output, 12_000);
    expect(consumer.isReady()).toEqual({ ready: true, reasons: [] });
  });

  it('with maxBatchBytes under a topic max.message.bytes of 200000: every record exactly once, offsets committed to the end', async () => {
    const output = await createTestTopic('split-small-out', {
      partitions: 2,
      config: { 'max.message.bytes': '200000' },
    });
    await drainInLargeChunks('split-small', output, 10_000, { maxBatchBytes: 150_000 });
    expect(await recordCount(output)).toBe(10_000);
  });
});
