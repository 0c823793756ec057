import v8 from 'node:v8';
import vm from 'node:vm';
import { createKafkaClient, type ConsumedRecord } from './index';
import { testKafka } from './testing/broker';
import {
  createTestTopic,
  deleteTestTopics,
  groupsWithOffsets,
  produceRaw,
  quietLogger,
  testBrokers,
  uniqueName,
} from './testing';

const client = (clientId = uniqueName('reader-int')) =>
  createKafkaClient({ brokers: testBrokers(), clientId, logLevel: 'nothing' }, quietLogger);

afterAll(deleteTestTopics);

const values = (records: readonly ConsumedRecord[], partition: number) =>
  records.filter((r) => r.partition === partition).map((r) => r.value!.toString());

async function groupIds(): Promise<string[]> {
  const admin = testKafka('test-admin').admin();
  await admin.connect();
  try {
    return (await admin.listGroups()).groups.map((g) => g.groupId).sort();
  } finally {
    await admin.disconnect();
  }
}

describe('readPartitions reads offset ranges without committing anything', () => {
  it("reads every partition from its low to its high watermark ('all'), finishes an empty one at once, and never creates a group", async () => {
    const topic = await createTestTopic('reader-all', { partitions: 3 });
    await produceRaw(topic, [
      ...Array.from({ length: 40 }, (_, i) => ({ key: null, value: `p0-${i}`, partition: 0 })),
      ...Array.from({ length: 25 }, (_, i) => ({ key: null, value: `p1-${i}`, partition: 1 })),
    ]);
    const got: ConsumedRecord[] = [];
    const groupsBefore = await groupIds();
    const groupsDuringRead: string[][] = [];
    const offsetsDuringRead: number[] = [];

    const result = await client().readPartitions({
      topic,
      ranges: 'all',
      maxRecordsPerBatch: 10,
      onBatch: async (records) => {
        expect(records.length).toBeLessThanOrEqual(10);
        expect(new Set(records.map((r) => r.partition)).size).toBe(1);
        if (got.length === 0) {
          groupsDuringRead.push(await groupIds());
          offsetsDuringRead.push((await groupsWithOffsets(topic)).size);
        }
        got.push(...records);
      },
    });

    expect(result).toEqual({
      complete: true,
      records: 65,
      deletedBeforeRead: 0,
      ranges: [
        { partition: 0, start: 0n, end: 40n },
        { partition: 1, start: 0n, end: 25n },
        { partition: 2, start: 0n, end: 0n },
      ],
    });
    expect(values(got, 0)).toEqual(Array.from({ length: 40 }, (_, i) => `p0-${i}`));
    expect(values(got, 1)).toEqual(Array.from({ length: 25 }, (_, i) => `p1-${i}`));
    // Its own Fetch requests, positions in memory: no group exists during the read (other tests' groups may come
    // and go, so only new groups of this read would show), and nothing is committed anywhere.
    expect(groupsDuringRead[0]!.filter((g) => !groupsBefore.includes(g) && g.startsWith('reader-int'))).toEqual([]);
    expect(offsetsDuringRead).toEqual([0]);
    expect(await groupsWithOffsets(topic)).toEqual(new Map());
  });

  it('reads exactly [start, end) of each listed partition and never hands over records appended meanwhile', async () => {
    const topic = await createTestTopic('reader-ranges', { partitions: 2 });
    await produceRaw(
      topic,
      Array.from({ length: 60 }, (_, i) => ({ key: null, value: `v${i >> 1}`, partition: i % 2 })),
    );
    const got: ConsumedRecord[] = [];
    let appended = false;

    const result = await client().readPartitions({
      topic,
      ranges: [
        { partition: 1, start: 5n, end: 30n },
        { partition: 0, start: 10n, end: 17n },
      ],
      maxRecordsPerBatch: 4,
      onBatch: async (records) => {
        if (!appended) {
          appended = true;
          await produceRaw(
            topic,
            Array.from({ length: 20 }, (_, i) => ({ key: null, value: `late${i}`, partition: i % 2 })),
          );
        }
        got.push(...records);
      },
    });

    expect(result.complete).toBe(true);
    expect(result.records).toBe(32);
    expect(got.filter((r) => r.partition === 0).map((r) => r.offset)).toEqual(
      Array.from({ length: 7 }, (_, i) => String(10 + i)),
    );
    expect(got.filter((r) => r.partition === 1).map((r) => r.offset)).toEqual(
      Array.from({ length: 25 }, (_, i) => String(5 + i)),
    );
    expect(got.some((r) => r.value!.toString().startsWith('late'))).toBe(false);
    expect(await groupsWithOffsets(topic)).toEqual(new Map());
  });

  it('resolves at once when every range is empty', async () => {
    const topic = await createTestTopic('reader-empty', { partitions: 2 });
    const onBatch = jest.fn();

    const result = await client().readPartitions({ topic, ranges: 'all', onBatch });

    expect(result).toEqual({
      complete: true,
      records: 0,
      deletedBeforeRead: 0,
      ranges: [
        { partition: 0, start: 0n, end: 0n },
        { partition: 1, start: 0n, end: 0n },
      ],
    });
    expect(onBatch).not.toHaveBeenCalled();
  });

  it('an abort ends the read after the in-flight batch (complete: false); a throwing onBatch rejects the read', async () => {
    const topic = await createTestTopic('reader-abort', { partitions: 1 });
    await produceRaw(
      topic,
      Array.from({ length: 50 }, (_, i) => ({ key: null, value: `v${i}` })),
    );
    const controller = new AbortController();
    let batches = 0;

    const aborted = await client().readPartitions({
      topic,
      ranges: 'all',
      maxRecordsPerBatch: 5,
      signal: controller.signal,
      onBatch: () => {
        batches += 1;
        controller.abort();
      },
    });
    expect(aborted).toMatchObject({ complete: false, records: 5 });
    expect(batches).toBe(1);

    await expect(
      client().readPartitions({
        topic,
        ranges: 'all',
        onBatch: () => {
          throw new Error('handler bug');
        },
      }),
    ).rejects.toMatchObject({
      code: 'HANDLER_FAILED',
      canRetry: false,
      message: expect.stringContaining('handler bug'),
    });
    expect(await groupsWithOffsets(topic)).toEqual(new Map());
  });
});

describe('readPartitions on partitions far larger than one fetch', () => {
  it('reads more than 5 MiB per partition to the captured end, every record once and in order', async () => {
    const topic = await createTestTopic('reader-large', { partitions: 2 });
    // Per partition: 64 values of 90 KiB (≈ 5.6 MiB) interleaved with 600 small ones, so one fetch of 1 MiB per
    // partition never holds a partition and the read must advance fetch after fetch.
    const records = Array.from({ length: 1328 }, (_, i) => {
      const big = i % 11 === 0;
      return { key: `k${i}`, value: big ? Buffer.alloc(92_160, i % 251) : Buffer.from(`small-${i}`), partition: i % 2 };
    });
    for (let i = 0; i < records.length; i += 200) await produceRaw(topic, records.slice(i, i + 200));
    const bytesPerPartition = [0, 1].map((p) =>
      records.filter((r) => r.partition === p).reduce((n, r) => n + r.value.length, 0),
    );
    expect(Math.min(...bytesPerPartition)).toBeGreaterThan(5 * 1024 * 1024);
    const got: ConsumedRecord[] = [];

    // A liveness bound with a huge margin: the read takes about a second; the defect it guards re-fetched the first
    // MiB forever.
    const result = await client().readPartitions({
      topic,
      ranges: 'all',
      onBatch: (batch) => void got.push(...batch),
    });

    expect(result).toMatchObject({ complete: true, records: records.length });
    for (const p of [0, 1]) {
      const expected = records.filter((r) => r.partition === p);
      const read = got.filter((r) => r.partition === p);
      expect(read.map((r) => r.offset)).toEqual(expected.map((_, i) => String(i)));
      expect(read.every((r, i) => r.key!.toString() === expected[i]!.key && r.value!.equals(expected[i]!.value))).toBe(
        true,
      );
    }
    expect(await groupsWithOffsets(topic)).toEqual(new Map());
  }, 60_000);
});

describe('readPartitions memory', () => {
  // Counted by reachability, not by process.memoryUsage(): V8 frees array buffers on a background thread, so a
  // byte count taken right after gc() varies by megabytes from run to run (a 24 MiB bound failed once in CI).
  it('holds on to no fetched data: the responses of earlier rounds are released while the read goes on', async () => {
    const topic = await createTestTopic('reader-memory', { partitions: 2 });
    // 64 MB of values, 16 times the 4 MiB a round of fetches may hold.
    const value = Buffer.alloc(80_000, 7);
    for (let i = 0; i < 800; i += 100) {
      await produceRaw(
        topic,
        Array.from({ length: 100 }, (_, j) => ({ key: null, value, partition: (i + j) % 2 })),
      );
    }
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    // The memory that fetched values live in: one array buffer per fetch response (values are views into it).
    const seen = new WeakSet<ArrayBuffer>();
    const earlier: WeakRef<ArrayBuffer>[] = [];
    let mostReachable = 0;

    const result = await client().readPartitions({
      topic,
      ranges: 'all',
      signal: new AbortController().signal,
      onBatch: async (records) => {
        // A new macrotask first: a WeakRef keeps its target alive until the end of the job that created it.
        await new Promise((resolve) => setImmediate(resolve));
        gc();
        mostReachable = Math.max(mostReachable, earlier.filter((ref) => ref.deref() !== undefined).length);
        for (const { value } of records) {
          const memory = value!.buffer as ArrayBuffer;
          if (seen.has(memory)) continue;
          seen.add(memory);
          earlier.push(new WeakRef(memory));
        }
      },
    });

    expect(result).toMatchObject({ complete: true, records: 800 });
    // The 64 MB came in many responses, and of those handed over before, at most the last round's were reachable
    // (a reader that kept what it fetched would keep every one of them).
    expect(earlier.length).toBeGreaterThanOrEqual(12);
    expect(mostReachable).toBeLessThanOrEqual(2);
  }, 60_000);
});
