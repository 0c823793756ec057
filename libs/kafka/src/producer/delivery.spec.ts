import { Delivery, type PartitionAck, type PartitionedRecord, type ProduceRequest } from './delivery';
import { DEFAULT_MAX_BATCH_BYTES, estimateRecordBytes } from './record-size';

/** A record whose estimated size is exactly `bytes`, carrying its number n in its value's first byte(s). */
function sized(topic: string, partition: number, bytes: number, n: number): PartitionedRecord {
  const overhead = estimateRecordBytes({ topic, key: null, value: null });
  const value = Buffer.alloc(bytes - overhead, 0);
  value.writeUInt16BE(n, 0);
  return { topic, partition, key: null, value };
}
const numberOf = (r: PartitionedRecord) => (r.value as Buffer).readUInt16BE(0);

const ackAll = (request: ProduceRequest): PartitionAck[] =>
  request.slices.map((s) => ({ topic: s.topic, partition: s.partition, errorCode: 0 }));

/** What reached "the broker", per topic-partition, in order. */
function broker() {
  const log = new Map<string, number[]>();
  const write = (request: ProduceRequest, only?: (s: ProduceRequest['slices'][number]) => boolean) => {
    for (const s of request.slices) {
      if (only && !only(s)) continue;
      const key = `${s.topic}/${s.partition}`;
      log.set(key, [...(log.get(key) ?? []), ...s.records.map(numberOf)]);
    }
  };
  return { log, write };
}

describe('Delivery', () => {
  it('sends everything in one request when it fits, and is done once every partition acknowledged', async () => {
    const records = Array.from({ length: 20 }, (_, i) => sized(i % 2 ? 'out' : 'dlq', i % 3, 100, i));
    const delivery = new Delivery(records, { maxBatchBytes: 10_000 });
    const requests: ProduceRequest[] = [];
    await delivery.run(async (r) => {
      requests.push(r);
      return ackAll(r);
    });
    expect(requests).toHaveLength(1);
    expect(requests[0]!.slices).toHaveLength(6);
    expect(delivery.done).toBe(true);
    expect(delivery.acknowledged).toBe(20);
  });

  it('bounds each topic-partition of a request by the budget, so one request can carry the budget on every partition', async () => {
    const records = [
      ...Array.from({ length: 40 }, (_, i) => sized('out', i % 4, 100, i)),
      ...Array.from({ length: 25 }, (_, i) => sized('dlq', 0, 100, 100 + i)),
    ];
    const delivery = new Delivery(records, { maxBatchBytes: 1000 });
    const sizes: number[][] = [];
    await delivery.run(async (r) => {
      sizes.push(r.slices.map((s) => s.records.reduce((n, rec) => n + estimateRecordBytes(rec), 0)));
      return ackAll(r);
    });
    // out/0..3 hold 10 records (1000 B) each: they fit the first request; dlq/0 needs three.
    expect(sizes).toEqual([[1000, 1000, 1000, 1000, 1000], [1000], [500]]);
  });

  it('keeps every partition in order and sends nothing twice when all goes well (random sizes, budgets)', async () => {
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const records = Array.from({ length: 2000 }, (_, i) => sized(['a', 'b'][rnd(2)]!, rnd(5), 40 + rnd(500), i));
    for (const budget of [1024, 4096, 65_536, DEFAULT_MAX_BATCH_BYTES]) {
      const { log, write } = broker();
      const delivery = new Delivery(records, { maxBatchBytes: budget });
      await delivery.run(async (r) => {
        for (const s of r.slices) {
          const bytes = s.records.reduce((n, rec) => n + estimateRecordBytes(rec), 0);
          expect(s.records.length === 1 || bytes <= budget).toBe(true);
        }
        write(r);
        return ackAll(r);
      });
      for (const [tp, numbers] of log) {
        const [topic, partition] = tp.split('/');
        expect(numbers).toEqual(
          records.filter((r) => r.topic === topic && String(r.partition) === partition).map(numberOf),
        );
      }
    }
  });

  it('sends a record larger than the budget alone, and one of exactly the budget too', async () => {
    const small = (n: number) => sized('out', 0, 100, n);
    const huge = sized('out', 0, 5000, 99);
    const exact = sized('out', 0, 1000, 50);
    const delivery = new Delivery([small(0), small(1), huge, small(2), exact], { maxBatchBytes: 1000 });
    const requests: number[][] = [];
    await delivery.run(async (r) => {
      requests.push(r.slices.flatMap((s) => s.records.map(numberOf)));
      return ackAll(r);
    });
    expect(requests).toEqual([[0, 1], [99], [2], [50]]);
  });

  it('when a request fails, resends only what was not acknowledged, from where it stopped', async () => {
    const records = Array.from({ length: 30 }, (_, i) => sized('out', 0, 100, i));
    const delivery = new Delivery(records, { maxBatchBytes: 1000 });
    const { log, write } = broker();
    let calls = 0;
    const flaky = async (r: ProduceRequest) => {
      calls += 1;
      if (calls === 2)
        throw Object.assign(new Error('Connection error: read ECONNRESET'), { name: 'KafkaJSConnectionError' });
      write(r);
      return ackAll(r);
    };
    await expect(delivery.run(flaky)).rejects.toMatchObject({
      name: 'KafkaAdapterError',
      code: 'CONNECTION_ERROR',
      canRetry: true,
    });
    expect(delivery.acknowledged).toBe(10);
    expect(delivery.pending).toBe(20);
    await delivery.run(flaky);
    // The acknowledged first request was not sent again: each record exactly once, in order.
    expect(log.get('out/0')).toEqual(records.map(numberOf));
  });

  it('treats a success without an acknowledgement for a partition as not delivered, and resends only that partition', async () => {
    // kafkajs 2.2.4 (issue #1303) could resolve a send after skipping a partition whose leader moved.
    const records = Array.from({ length: 9 }, (_, i) => sized('out', i % 3, 100, i));
    const delivery = new Delivery(records, { maxBatchBytes: 10_000 });
    const { log, write } = broker();
    let first = true;
    const skipping = async (r: ProduceRequest) => {
      const skip = first ? 1 : -1;
      first = false;
      write(r, (s) => s.partition !== skip);
      return r.slices
        .filter((s) => s.partition !== skip)
        .map((s) => ({ topic: s.topic, partition: s.partition, errorCode: 0 }));
    };
    await expect(delivery.run(skipping)).rejects.toMatchObject({ code: 'MISSING_ACKNOWLEDGEMENT', canRetry: true });
    expect(delivery.pending).toBe(3);
    const resent: string[] = [];
    await delivery.run(async (r) => {
      resent.push(...r.slices.map((s) => `${s.topic}/${s.partition}`));
      return skipping(r);
    });
    expect(resent).toEqual(['out/1']);
    expect(log).toEqual(
      new Map([
        ['out/0', [0, 3, 6]],
        ['out/2', [2, 5, 8]],
        ['out/1', [1, 4, 7]],
      ]),
    );
  });

  it('treats an acknowledgement with an error code as missing', async () => {
    const delivery = new Delivery([sized('out', 0, 100, 0)], { maxBatchBytes: 1000 });
    await expect(delivery.run(async () => [{ topic: 'out', partition: 0, errorCode: 6 }])).rejects.toMatchObject({
      code: 'MISSING_ACKNOWLEDGEMENT',
    });
    expect(delivery.done).toBe(false);
  });

  it('groups requests by the compression codec of each topic, keeping each partition in order', async () => {
    const records = Array.from({ length: 6 }, (_, i) => sized(i % 2 ? 'dlq' : 'out', 0, 100, i));
    const delivery = new Delivery(records, { maxBatchBytes: 1000, codecOf: (t) => (t === 'dlq' ? 'gzip' : 'none') });
    const requests: Array<[string, string[]]> = [];
    await delivery.run(async (r) => {
      requests.push([r.codec, r.slices.map((s) => `${s.topic}:${s.records.map(numberOf).join(',')}`)]);
      return ackAll(r);
    });
    expect(requests).toEqual([
      ['none', ['out:0,2,4']],
      ['gzip', ['dlq:1,3,5']],
    ]);
  });

  it('is done at once for no records, and refuses a budget that is not a positive integer', async () => {
    const empty = new Delivery([], { maxBatchBytes: 1000 });
    await empty.run(() => Promise.reject(new Error('must not be called')));
    expect(empty.done).toBe(true);
    expect(() => new Delivery([], { maxBatchBytes: 0 })).toThrow(RangeError);
    expect(() => new Delivery([], { maxBatchBytes: 1.5 })).toThrow(RangeError);
  });
});
