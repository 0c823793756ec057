import { partitionForKey } from '../partitioner';
import { PartitionAssigner, PartitionCountCache } from './partitioning';

describe('PartitionAssigner', () => {
  const counts = new Map([
    ['out', 6],
    ['dlq', 3],
  ]);

  it("gives keyed records the partition of Java's default partitioner, and keeps explicit partitions", () => {
    const assigner = new PartitionAssigner();
    const [a, b, c] = assigner.assign(
      [
        { topic: 'out', key: 'user-1', value: 'v' },
        { topic: 'out', key: Buffer.from('user-1'), value: 'v' },
        { topic: 'dlq', key: 'user-1', value: 'v', partition: 2 },
      ],
      counts,
    );
    expect(a!.partition).toBe(partitionForKey(Buffer.from('user-1'), 6));
    expect(b!.partition).toBe(a!.partition);
    expect(c!.partition).toBe(2);
  });

  it('rotates records without a key over the partitions of their topic', () => {
    const assigner = new PartitionAssigner();
    const out = assigner.assign(
      Array.from({ length: 7 }, () => ({ topic: 'dlq', key: null, value: 'v' })),
      counts,
    );
    expect(out.map((r) => r.partition)).toEqual([0, 1, 2, 0, 1, 2, 0]);
    expect(assigner.assign([{ topic: 'dlq', key: null, value: 'v' }], counts)[0]!.partition).toBe(1);
  });

  it('refuses a partition the topic does not have, and a topic without a known count', () => {
    const assigner = new PartitionAssigner();
    expect(() => assigner.assign([{ topic: 'dlq', key: null, value: 'v', partition: 3 }], counts)).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_TOPIC_OR_PARTITION', canRetry: false }),
    );
    expect(() => assigner.assign([{ topic: 'nope', key: null, value: 'v' }], counts)).toThrow(
      expect.objectContaining({ canRetry: true }),
    );
  });
});

describe('PartitionCountCache', () => {
  it('asks once per topic within the max age, again after it, and after invalidate', async () => {
    const asked: string[][] = [];
    let now = 0;
    const cache = new PartitionCountCache(
      async (topics) => {
        asked.push([...topics]);
        return new Map(topics.map((t) => [t, 3]));
      },
      1000,
      () => now,
    );
    expect(await cache.counts(['a', 'b', 'a'])).toEqual(
      new Map([
        ['a', 3],
        ['b', 3],
      ]),
    );
    await cache.counts(['a']);
    now = 1500;
    await cache.counts(['a']);
    cache.invalidate('a');
    await cache.counts(['a', 'b']);
    // At 1500 b is stale too (cached at 0).
    expect(asked).toEqual([['a', 'b'], ['a'], ['a', 'b']]);
  });

  it('rejects (retriable) for a topic the cluster does not know', async () => {
    const cache = new PartitionCountCache(async () => new Map());
    await expect(cache.counts(['missing'])).rejects.toMatchObject({
      code: 'UNKNOWN_TOPIC_OR_PARTITION',
      canRetry: true,
    });
  });
});
