import type { Kafka } from 'kafkajs';
import { createAdminClient } from './admin';
import { DLQ_TOPIC_CONFIG } from './topic-configs';

/** A kafkajs admin whose ListOffsets answers with the given errors first, as right after a leader moved. */
function kafkaAnswering(errors: string[]) {
  const calls = { offsets: 0, metadata: 0 };
  const admin = {
    fetchTopicOffsets: async () => {
      calls.offsets += 1;
      const type = errors.shift();
      if (type !== undefined) throw Object.assign(new Error(`protocol error ${type}`), { type });
      return [
        { partition: 1, offset: '7', high: '7', low: '2' },
        { partition: 0, offset: '5', high: '5', low: '0' },
      ];
    },
    fetchTopicMetadata: async () => {
      calls.metadata += 1;
      return { topics: [] };
    },
  };
  const kafka = { admin: () => admin } as unknown as Kafka;
  return { kafka, calls };
}

const instant = async () => undefined;

describe('admin client watermarks', () => {
  it('ask again with fresh metadata after a leadership error, which kafkajs gives up on at once', async () => {
    const { kafka, calls } = kafkaAnswering(['NOT_LEADER_FOR_PARTITION', 'LEADER_NOT_AVAILABLE']);
    const offsets = await createAdminClient(kafka, { sleep: instant }).topicOffsets('t');
    expect(offsets).toEqual([
      { partition: 0, low: 0n, high: 5n },
      { partition: 1, low: 2n, high: 7n },
    ]);
    expect(calls).toEqual({ offsets: 3, metadata: 2 });
  });

  it('give up after a bounded number of attempts, naming the topic', async () => {
    const { kafka, calls } = kafkaAnswering(Array.from({ length: 20 }, () => 'NOT_LEADER_FOR_PARTITION'));
    await expect(createAdminClient(kafka, { sleep: instant }).topicEndOffsets('t')).rejects.toThrow(
      /end offsets of t: protocol error NOT_LEADER_FOR_PARTITION/,
    );
    expect(calls.offsets).toBe(8);
  });

  it('do not retry other errors', async () => {
    const { kafka, calls } = kafkaAnswering(['TOPIC_AUTHORIZATION_FAILED']);
    await expect(createAdminClient(kafka, { sleep: instant }).topicOffsets('t')).rejects.toThrow(/offsets of t/);
    expect(calls.offsets).toBe(1);
  });
});

describe('admin client ensureTopics', () => {
  it('creates a missing parked topic with the DLQ config, retention included, and leaves existing topics alone', async () => {
    const created: unknown[] = [];
    const admin = {
      listTopics: async () => ['user-login-dlq'],
      createTopics: async (request: { topics: unknown[] }) => {
        created.push(...request.topics);
        return true;
      },
    };
    const kafka = { admin: () => admin } as unknown as Kafka;
    const client = createAdminClient(kafka);
    await client.ensureTopics([
      { topic: 'user-login-dlq', partitions: 3, config: DLQ_TOPIC_CONFIG },
      { topic: 'user-login-dlq-parked', partitions: 3, config: DLQ_TOPIC_CONFIG },
    ]);
    expect(created).toEqual([
      {
        topic: 'user-login-dlq-parked',
        numPartitions: 3,
        replicationFactor: -1,
        configEntries: [
          { name: 'max.message.bytes', value: '2097152' },
          { name: 'retention.ms', value: '604800000' },
        ],
      },
    ]);
  });
});
