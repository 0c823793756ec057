import { validateProducerOptions } from './options';
import { DEFAULT_MAX_BATCH_BYTES, estimateRecordBytes, splitForRequests } from './request-split';
import type { OutgoingRecord } from './types';

/** A record whose estimated size is exactly `bytes` (no key, no headers). */
function sized(topic: string, bytes: number, n: number, partition?: number): OutgoingRecord {
  const overhead = estimateRecordBytes({ topic, key: null, value: null });
  return { topic, key: null, value: Buffer.alloc(bytes - overhead, n % 256), ...(partition === undefined ? {} : { partition }) };
}

/** The bytes per topic-partition a slice can put on one partition, the way the splitter bounds it. */
function worstPerPartition(slice: readonly OutgoingRecord[]): number {
  const byTopic = new Map<string, { unassigned: number; assigned: Map<number, number> }>();
  for (const r of slice) {
    const load = byTopic.get(r.topic) ?? { unassigned: 0, assigned: new Map<number, number>() };
    byTopic.set(r.topic, load);
    if (r.partition === undefined) load.unassigned += estimateRecordBytes(r);
    else load.assigned.set(r.partition, (load.assigned.get(r.partition) ?? 0) + estimateRecordBytes(r));
  }
  let worst = 0;
  for (const { unassigned, assigned } of byTopic.values()) worst = Math.max(worst, unassigned + Math.max(0, ...assigned.values()));
  return worst;
}

describe('estimateRecordBytes', () => {
  it('counts key, value and every header name and value as UTF-8 bytes, plus a bounded overhead', () => {
    const empty = estimateRecordBytes({ topic: 't', key: null, value: null });
    expect(empty).toBeGreaterThan(0);
    expect(estimateRecordBytes({ topic: 't', key: 'é', value: Buffer.alloc(10) })).toBe(empty + 2 + 10);
    const oneHeader = estimateRecordBytes({ topic: 't', key: null, value: null, headers: { h: 'v' } });
    const perHeader = oneHeader - empty - 2;
    expect(perHeader).toBeGreaterThan(0);
    // A repeated header counts each of its values.
    expect(estimateRecordBytes({ topic: 't', key: null, value: null, headers: { ab: ['x', Buffer.from('yz')] } })).toBe(
      empty + 2 * perHeader + 2 + 1 + 2 + 2,
    );
  });

  it('is never below the record bytes (an upper bound of the encoded size)', () => {
    const record = { topic: 't', key: 'user-1', value: 'x'.repeat(400), headers: { 'x-trace': 't-1' } };
    expect(estimateRecordBytes(record)).toBeGreaterThanOrEqual(6 + 400 + 7 + 3);
  });
});

describe('splitForRequests', () => {
  it('returns no slice for no records and one slice when everything fits', () => {
    expect(splitForRequests([], 1024)).toEqual([]);
    const records = Array.from({ length: 10 }, (_, i) => sized('out', 100, i));
    expect(splitForRequests(records, 1000)).toEqual([records]);
  });

  it('cuts records without a partition by their topic total, filling each slice up to the budget', () => {
    const records = Array.from({ length: 25 }, (_, i) => sized('out', 100, i));
    const slices = splitForRequests(records, 1000);
    expect(slices.map((s) => s.length)).toEqual([10, 10, 5]);
    expect(slices.flat()).toEqual(records);
  });

  it('bounds each explicit partition on its own, so one request can carry the budget on every partition', () => {
    const records = Array.from({ length: 40 }, (_, i) => sized('out', 100, i, i % 4));
    const slices = splitForRequests(records, 1000);
    expect(slices.map((s) => s.length)).toEqual([40]);
    const skewed = Array.from({ length: 30 }, (_, i) => sized('out', 100, i, i < 25 ? 0 : 1));
    const cut = splitForRequests(skewed, 1000);
    expect(cut.flat()).toEqual(skewed);
    for (const slice of cut) expect(worstPerPartition(slice)).toBeLessThanOrEqual(1000);
    expect(cut).toHaveLength(3);
  });

  it('counts records without a partition against every explicit partition of the same topic', () => {
    const records = [sized('out', 600, 0, 1), sized('out', 300, 1), sized('out', 200, 2, 2)];
    // 600 on p1 + 300 unassigned = 900; adding 200 on p2 gives p2 at most 500, fine; then 200 more unassigned: 1100.
    const slices = splitForRequests([...records, sized('out', 200, 3)], 1000);
    expect(slices.map((s) => s.length)).toEqual([3, 1]);
  });

  it('budgets topics separately: output and dead letters of one chunk share a request', () => {
    const records = Array.from({ length: 20 }, (_, i) => sized(i % 2 === 0 ? 'out' : 'dlq', 100, i));
    expect(splitForRequests(records, 1000).map((s) => s.length)).toEqual([20]);
    expect(splitForRequests(records, 999).map((s) => s.length)).toEqual([18, 2]);
  });

  it('keeps the records and their order: the slices concatenated are the input, per partition in order', () => {
    const topics = ['a', 'b'];
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const records = Array.from({ length: 2000 }, (_, i) =>
      sized(topics[rnd(2)] ?? 'a', 40 + rnd(500), i, rnd(3) === 0 ? undefined : rnd(5)),
    );
    for (const budget of [1024, 4096, 65_536, DEFAULT_MAX_BATCH_BYTES]) {
      const slices = splitForRequests(records, budget);
      expect(slices.flat()).toEqual(records);
      expect(slices.every((s) => s.length > 0)).toBe(true);
      for (const slice of slices) expect(worstPerPartition(slice)).toBeLessThanOrEqual(budget);
      // Greedy: a slice is cut only when the next record would not fit into it.
      for (let i = 0; i + 1 < slices.length; i++) {
        const next = slices[i + 1]?.[0];
        if (next) expect(worstPerPartition([...(slices[i] ?? []), next])).toBeGreaterThan(budget);
      }
    }
  });

  it('sends a record larger than the budget alone, between the slices around it, and drops nothing', () => {
    const small = (n: number) => sized('out', 100, n);
    const huge = sized('out', 5000, 99);
    const slices = splitForRequests([small(0), small(1), huge, small(2), small(3)], 1000);
    expect(slices).toEqual([[small(0), small(1)], [huge], [small(2), small(3)]]);
    expect(splitForRequests([huge, huge], 1000)).toEqual([[huge], [huge]]);
    expect(splitForRequests([sized('dlq', 100, 0), huge], 1000)).toEqual([[sized('dlq', 100, 0)], [huge]]);
  });

  it('lets a record of exactly the budget through in one slice', () => {
    const exact = sized('out', 1000, 0);
    expect(splitForRequests([exact, exact], 1000)).toEqual([[exact], [exact]]);
  });

  it('splits the failing benchmark chunk: 5,000 outputs of ~600 bytes into requests under 1 MiB per partition', () => {
    const records = Array.from({ length: 5000 }, (_, i) => ({ topic: 'processed-user-login', key: `user-${i % 500}`, value: 'x'.repeat(600) }));
    const slices = splitForRequests(records, DEFAULT_MAX_BATCH_BYTES);
    expect(slices.length).toBeGreaterThan(1);
    expect(slices.flat()).toHaveLength(5000);
    for (const slice of slices) expect(worstPerPartition(slice)).toBeLessThanOrEqual(DEFAULT_MAX_BATCH_BYTES);
    expect(DEFAULT_MAX_BATCH_BYTES).toBeLessThan(1_048_576);
  });

  it('refuses a budget that is not a positive integer', () => {
    expect(() => splitForRequests([], 0)).toThrow(RangeError);
    expect(() => splitForRequests([], 1.5)).toThrow(RangeError);
  });
});

describe('ProducerOptions.maxBatchBytes', () => {
  it('is validated at construction: an integer of at least 1024', () => {
    expect(() => validateProducerOptions({ maxBatchBytes: 262_144 })).not.toThrow();
    expect(() => validateProducerOptions({ maxBatchBytes: 100 })).toThrow('/options/maxBatchBytes must be an integer in [1024,');
    expect(() => validateProducerOptions({ maxBatchBytes: 2048.5 })).toThrow('/options/maxBatchBytes');
  });
});
