// runBatchConsumer with stopAt: a strictly bounded run with the same commit-after-ack semantics.
import { createKafkaClient, runBatchConsumer, type BatchConsumer, type BatchConsumerOptions, type LoggerLike } from './index';
import { committedOffsets, consumeUntil, createTestTopic, deleteTestTopics, produceRaw, recordCount, testBrokers, uniqueName } from './testing';
import type { ConsumedRecord } from './types';

const quiet: LoggerLike = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const running: BatchConsumer[] = [];

function start(options: Omit<BatchConsumerOptions, 'client' | 'logger'>): BatchConsumer {
  const client = createKafkaClient({ brokers: testBrokers(), clientId: uniqueName('bounded-int'), logLevel: 'nothing' }, quiet);
  const consumer = runBatchConsumer({ client, logger: quiet, maxWaitTimeInMs: 200, fromBeginning: true, ...options });
  running.push(consumer);
  return consumer;
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((c) => c.stop()));
});
afterAll(deleteTestTopics);

const offsetsOf = (records: readonly ConsumedRecord[], partition: number) =>
  records.filter((r) => r.partition === partition).map((r) => Number(r.offset));
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('a batch consumer bounded by stopAt', () => {
  it('processes and commits exactly the offsets below each bound (a chunk is cut at it), then finishes; later records stay untouched', async () => {
    const input = await createTestTopic('bounded-in', { partitions: 3 });
    const output = await createTestTopic('bounded-out', { partitions: 1 });
    await produceRaw(input, Array.from({ length: 120 }, (_, i) => ({ key: null, value: `v${i}`, partition: i % 3 })));
    const group = uniqueName('bounded');
    const seen: ConsumedRecord[] = [];
    const chunks: Array<[number, string, string]> = [];
    let appended = false;

    const consumer = start({
      groupId: group,
      topics: [input],
      // Partition 2 has no bound: nothing of it is processed.
      stopAt: new Map([[0, 30n], [1, 40n]]),
      maxRecordsPerChunk: 7,
      transform: async (records) => {
        if (!appended) {
          appended = true;
          // Records appended during the run lie past the bounds: never processed.
          await produceRaw(input, Array.from({ length: 30 }, (_, i) => ({ key: null, value: `late${i}`, partition: i % 3 })));
        }
        seen.push(...records);
        return records.map((r) => ({ topic: output, key: null, value: r.value }));
      },
      hooks: { onChunk: (info) => chunks.push([info.partition, info.firstOffset, info.lastOffset]) },
    });
    await consumer.start();

    await expect(consumer.finished).resolves.toBe(true);
    // Still running: fetching goes on for nobody, so nothing more arrives.
    await sleep(1500);
    expect(offsetsOf(seen, 0)).toEqual(range(0, 30));
    expect(offsetsOf(seen, 1)).toEqual(range(0, 40));
    expect(offsetsOf(seen, 2)).toEqual([]);
    expect(seen.some((r) => r.value!.toString().startsWith('late'))).toBe(false);
    // 30 = 4 × 7 + 2: the fifth chunk of partition 0 holds 28..29, cut at the bound although the batch went on.
    expect(chunks.filter(([p]) => p === 0).at(-1)).toEqual([0, '28', '29']);
    expect(await committedOffsets(group, input)).toEqual(new Map([[0, 30n], [1, 40n], [2, -1n]]));
    expect(await recordCount(output)).toBe(70);

    await consumer.stop();
    await expect(consumer.done).resolves.toBeUndefined();
    expect(await committedOffsets(group, input)).toEqual(new Map([[0, 30n], [1, 40n], [2, -1n]]));
  });

  it('finishes at once when the group already stands at its bounds, and a bound beyond a missing partition counts as reached', async () => {
    const input = await createTestTopic('bounded-done', { partitions: 2 });
    await produceRaw(input, Array.from({ length: 20 }, (_, i) => ({ key: null, value: `v${i}`, partition: i % 2 })));
    const group = uniqueName('bounded-done');
    const first = start({ groupId: group, topics: [input], stopAt: new Map([[0, 10n], [1, 10n]]), transform: () => [] });
    await first.start();
    await expect(first.finished).resolves.toBe(true);
    await first.stop();

    await produceRaw(input, [{ key: null, value: 'new', partition: 0 }]);
    const transform = jest.fn(() => []);
    const again = start({ groupId: group, topics: [input], stopAt: new Map([[0, 10n], [1, 10n], [7, 5n]]), transform });
    await again.start();
    await expect(again.finished).resolves.toBe(true);
    await sleep(1000);
    expect(transform).not.toHaveBeenCalled();
    expect(await committedOffsets(group, input)).toEqual(new Map([[0, 10n], [1, 10n]]));
  });

  it('finished resolves false when stopped before the bounds are reached (and always without stopAt)', async () => {
    const input = await createTestTopic('bounded-stop', { partitions: 1 });
    await produceRaw(input, Array.from({ length: 50 }, (_, i) => ({ key: null, value: `v${i}` })));
    const group = uniqueName('bounded-stop');
    let calls = 0;
    const consumer = start({
      groupId: group,
      topics: [input],
      stopAt: new Map([[0, 50n]]),
      maxRecordsPerChunk: 5,
      transform: async () => {
        calls += 1;
        if (calls === 2) void consumer.stop();
        return [];
      },
    });
    await consumer.start();
    await expect(consumer.finished).resolves.toBe(false);
    // The chunk in flight at stop() was still committed, nothing after it.
    expect(await committedOffsets(group, input)).toEqual(new Map([[0, 10n]]));

    const unbounded = start({ groupId: uniqueName('unbounded'), topics: [input], transform: () => [] });
    await unbounded.start();
    await consumeUntil(input, 50);
    await unbounded.stop();
    await expect(unbounded.finished).resolves.toBe(false);
  });
});
