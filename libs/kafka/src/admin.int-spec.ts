import { createKafkaClient } from './index';
import { deleteTestTopics, produceRaw, quietLogger, testBrokers, trackTestTopic, uniqueName } from './testing';
import { testKafka } from './testing/broker';

afterAll(deleteTestTopics);

describe('the admin client', () => {
  const client = createKafkaClient({ brokers: testBrokers(), clientId: 'admin-int' }, quietLogger);
  const admin = client.admin();
  beforeAll(() => admin.connect());
  afterAll(() => admin.disconnect());

  it('creates missing topics and is safe to rerun', async () => {
    const a = uniqueName('ensure-a');
    const b = uniqueName('ensure-b');
    trackTestTopic(a);
    trackTestTopic(b);
    expect(await admin.ensureTopics([{ topic: a, partitions: 3 }])).toEqual([a]);
    expect(
      await admin.ensureTopics([
        { topic: a, partitions: 3 },
        { topic: b, partitions: 1, config: { 'retention.ms': '3600000' } },
      ]),
    ).toEqual([b]);
    expect(
      await admin.ensureTopics([
        { topic: a, partitions: 3 },
        { topic: b, partitions: 1 },
      ]),
    ).toEqual([]);
    expect([...(await admin.topicEndOffsets(a)).keys()].sort()).toEqual([0, 1, 2]);
  });

  it("reports a topic's effective max.message.bytes: its own setting, else the broker's", async () => {
    const own = uniqueName('limit-own');
    const inherited = uniqueName('limit-inherited');
    trackTestTopic(own);
    trackTestTopic(inherited);
    await admin.ensureTopics([
      { topic: own, partitions: 1, config: { 'max.message.bytes': '200000' } },
      { topic: inherited, partitions: 1 },
    ]);
    expect(await admin.maxMessageBytes(own)).toBe(200_000);
    // Kafka's default message.max.bytes (tools/kafka does not change it).
    expect(await admin.maxMessageBytes(inherited)).toBe(1_048_588);
  });

  it('names the topic when its configs cannot be read', async () => {
    await expect(admin.maxMessageBytes(uniqueName('missing'))).rejects.toThrow(/max.message.bytes of missing-/);
  });

  it('reports end offsets, committed offsets and lag (end − start when nothing is committed)', async () => {
    const topic = uniqueName('lag');
    trackTestTopic(topic);
    await admin.ensureTopics([{ topic, partitions: 2 }]);
    await produceRaw(
      topic,
      Array.from({ length: 30 }, (_, i) => ({ key: null, value: `v${i}`, partition: i % 2 })),
    );
    const group = uniqueName('lag-group');

    expect(await admin.topicEndOffsets(topic)).toEqual(
      new Map([
        [0, 15n],
        [1, 15n],
      ]),
    );
    expect(await admin.committedOffsets(group, topic)).toEqual(
      new Map([
        [0, null],
        [1, null],
      ]),
    );
    expect(await admin.consumerLag(group, topic)).toEqual([
      { partition: 0, committed: null, end: 15n, lag: 15n },
      { partition: 1, committed: null, end: 15n, lag: 15n },
    ]);

    // Consume everything through the batch consumer (a transform with no outputs still commits), then stop.
    let handled = 0;
    const consumer = client.batchConsumer({
      groupId: group,
      topics: [topic],
      fromBeginning: true,
      logger: quietLogger,
      maxRecordsPerChunk: 5,
      partitionsConsumedConcurrently: 1,
      maxWaitTimeInMs: 200,
      transform: (records) => {
        handled += records.length;
        return { records: [], outcomes: records.map(() => null) };
      },
    });
    await consumer.start();
    const deadline = Date.now() + 20_000;
    while (handled < 30 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await consumer.stop();

    expect(await admin.committedOffsets(group, topic)).toEqual(
      new Map([
        [0, 15n],
        [1, 15n],
      ]),
    );
    expect((await admin.consumerLag(group, topic)).map((l) => l.lag)).toEqual([0n, 0n]);
  });

  it('reports low and high watermarks per partition (low moves when records are deleted)', async () => {
    const topic = uniqueName('watermarks');
    trackTestTopic(topic);
    await admin.ensureTopics([{ topic, partitions: 3 }]);
    await produceRaw(
      topic,
      Array.from({ length: 20 }, (_, i) => ({ key: null, value: `v${i}`, partition: i < 12 ? 0 : 1 })),
    );
    const raw = testKafka('test-admin').admin();
    await raw.connect();
    try {
      await raw.fetchTopicMetadata({ topics: [topic] });
      await raw.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '5' }] });
    } finally {
      await raw.disconnect();
    }

    expect(await admin.topicOffsets(topic)).toEqual([
      { partition: 0, low: 5n, high: 12n },
      { partition: 1, low: 0n, high: 8n },
      { partition: 2, low: 0n, high: 0n },
    ]);
  });
});
