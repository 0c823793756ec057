import { consumeUntil, createTestTopic, deleteTestTopics, produceRaw, recordCount } from './index';

describe('a real Kafka broker round-trips records byte for byte', () => {
  afterAll(deleteTestTopics);

  it('keeps keys, binary values, null values (tombstones) and headers', async () => {
    const topic = await createTestTopic('roundtrip', { partitions: 1 });
    const binary = Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x0a, 0xc3, 0x28]); // includes invalid UTF-8
    await produceRaw(topic, [
      { key: 'user-1', value: '{"hello":"world"}', headers: { 'x-trace': 'abc', 'x-bin': Buffer.from([1, 2, 3]) } },
      { key: Buffer.from([0xde, 0xad]), value: binary },
      { key: 'user-2', value: null, headers: { reason: 'tombstone' } },
      { key: null, value: '' },
    ]);

    const records = await consumeUntil(topic, 4, { settleMs: 300 });

    expect(records).toHaveLength(4);
    const [json, bin, tombstone, empty] = records;
    expect(json!.key?.toString()).toBe('user-1');
    expect(json!.value?.toString()).toBe('{"hello":"world"}');
    expect(json!.headers['x-trace']).toEqual(Buffer.from('abc'));
    expect(json!.headers['x-bin']).toEqual(Buffer.from([1, 2, 3]));
    expect(bin!.key).toEqual(Buffer.from([0xde, 0xad]));
    expect(bin!.value).toEqual(binary);
    expect(tombstone!.value).toBeNull();
    expect(tombstone!.headers['reason']).toEqual(Buffer.from('tombstone'));
    expect(empty!.key).toBeNull();
    expect(empty!.value).toEqual(Buffer.alloc(0));
    expect(records.map((r) => r.offset)).toEqual(['0', '1', '2', '3']);
    expect(await recordCount(topic)).toBe(4);
  });

  it('spreads keyed records over partitions and keeps per-partition order', async () => {
    const topic = await createTestTopic('order', { partitions: 3 });
    const records = Array.from({ length: 300 }, (_, i) => ({ key: `user-${i % 7}`, value: String(i) }));
    await produceRaw(topic, records);

    const consumed = await consumeUntil(topic, 300);

    const byKey = new Map<string, number[]>();
    for (const r of consumed) {
      const key = r.key!.toString();
      byKey.set(key, [...(byKey.get(key) ?? []), Number(r.value!.toString())]);
    }
    expect(byKey.size).toBe(7);
    for (const values of byKey.values()) expect(values).toEqual([...values].sort((a, b) => a - b));
    expect(new Set(consumed.map((r) => r.partition)).size).toBeGreaterThan(1);
  });
});
