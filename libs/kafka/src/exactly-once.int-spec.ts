// The batch consumer with guarantee exactly_once, against a real broker: each chunk's outputs and its input offset
// are one transaction of the partition's transactional producer.
import { type TransformResult } from './index';
import { transactionalIdFor } from './consumer/partition-transactions';
import {
  committedOffsets,
  createPipelineTopics,
  createTestTopic,
  deleteTestTopics,
  endOffsets,
  produceRaw,
  produceTransactions,
  quietLogger,
  readToEnd,
  sumOffsets,
  testConsumers,
  waitFor,
} from './testing';
import type { ConsumedRecord } from './types';

const values = (records: readonly ConsumedRecord[]) => records.map((r) => r.value!.toString());

const { start, client } = testConsumers<string>(quietLogger, { guarantee: 'exactly_once' });
afterAll(deleteTestTopics);

const copyTo =
  (topic: string) =>
  (records: readonly ConsumedRecord[]): TransformResult<string> => ({
    records: records.map((r) => ({ topic, key: r.key, value: r.value })),
    outcomes: records.map((r) => r.offset),
  });

describe('exactly_once', () => {
  it('aborted transactions are invisible to read_committed readers and visible to read_uncommitted ones', async () => {
    // Proves that the readers the exactly-once tests count with can tell committed from aborted records.
    const topic = await createTestTopic('eos-visibility', { partitions: 1 });
    await produceTransactions(topic, [
      { records: [{ key: null, value: 'committed-1' }], commit: true },
      {
        records: [
          { key: null, value: 'aborted-1' },
          { key: null, value: 'aborted-2' },
        ],
        commit: false,
      },
      { records: [{ key: null, value: 'committed-2' }], commit: true },
    ]);
    expect(values(await readToEnd(topic, { isolation: 'read_committed' }))).toEqual(['committed-1', 'committed-2']);
    expect(values(await readToEnd(topic, { isolation: 'read_uncommitted' }))).toEqual([
      'committed-1',
      'aborted-1',
      'aborted-2',
      'committed-2',
    ]);
  });

  it('copies every record once, in transactions that also commit the input offsets', async () => {
    const { input, output, group } = await createPipelineTopics('eos', 3);
    const total = 3000;
    await produceRaw(
      input,
      Array.from({ length: total }, (_, i) => ({ key: `k${i % 50}`, value: `v${i}` })),
    );
    const transactions: string[] = [];
    const consumer = start(input, group, {
      maxRecordsPerChunk: 250,
      transform: copyTo(output),
      hooks: { onTransaction: (result) => transactions.push(result) },
    });
    await consumer.start();
    await waitFor(
      'commits to reach the end offsets',
      async () => sumOffsets((await committedOffsets(group, input)).values()) === total,
      60_000,
    );
    expect(await committedOffsets(group, input)).toEqual(await endOffsets(input));
    const out = values(await readToEnd(output));
    expect(out).toHaveLength(total);
    expect(new Set(out).size).toBe(total);
    expect(transactions.length).toBeGreaterThanOrEqual(total / 250);
    expect(new Set(transactions)).toEqual(new Set(['committed']));
    expect(consumer.isReady()).toEqual({ ready: true, reasons: [] });
  });

  it("a zombie holding a partition's transactional id is fenced by the new owner: its open transaction never becomes visible", async () => {
    const { input, output, group } = await createPipelineTopics('eos-zombie', 1);
    await produceRaw(
      input,
      Array.from({ length: 100 }, (_, i) => ({ key: null, value: `v${i}` })),
    );
    // The "old owner": a producer with the partition's transactional id, in the middle of a transaction.
    const zombie = client().transactionalProducer({ transactionalId: transactionalIdFor(group, input, 0) });
    await zombie.connect();
    const consumer = start(input, group, { transform: copyTo(output) });
    await consumer.start();
    await waitFor(
      'the new owner to commit everything',
      async () => (await committedOffsets(group, input)).get(0) === 100n,
      60_000,
    );
    // The zombie wakes up and tries to commit output for offsets the new owner processed.
    await expect(
      zombie.commitTransaction([{ topic: output, key: null, value: 'zombie' }], {
        groupId: group,
        offsets: [{ topic: input, partition: 0, offset: 100n }],
      }),
    ).rejects.toMatchObject({ code: 'PRODUCER_FENCED' });
    await zombie.disconnect();
    const out = values(await readToEnd(output));
    expect(out).toHaveLength(100);
    expect(out).not.toContain('zombie');
  });

  it("a member that starts after another resumes right after the other's last committed transaction", async () => {
    const { input, output, group } = await createPipelineTopics('eos-resume', 1);
    await produceRaw(
      input,
      Array.from({ length: 60 }, (_, i) => ({ key: null, value: `v${i}` })),
    );
    const first = start(input, group, { maxRecordsPerChunk: 20, transform: copyTo(output) });
    await first.start();
    await waitFor('all committed', async () => (await committedOffsets(group, input)).get(0) === 60n, 60_000);
    await first.stop();
    await produceRaw(
      input,
      Array.from({ length: 40 }, (_, i) => ({ key: null, value: `w${i}` })),
    );
    const seen: string[] = [];
    const second = start(input, group, {
      transform: (records) => {
        seen.push(...values(records));
        return copyTo(output)(records);
      },
    });
    await second.start();
    await waitFor('the rest committed', async () => (await committedOffsets(group, input)).get(0) === 100n, 60_000);
    expect(seen).toEqual(Array.from({ length: 40 }, (_, i) => `w${i}`));
    expect(values(await readToEnd(output))).toHaveLength(100);
  });
});
