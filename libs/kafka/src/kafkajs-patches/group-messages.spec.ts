// kafkajs's grouping of a send's messages by partition (as patched by
// patches/kafkajs+2.2.4+004+group-messages-linear.patch): linear in the number of messages. kafkajs 2.2.4 copied a
// partition's array once per message, ~5 ms of CPU per 2,000-message send, on the processor's hot path.
import path from 'node:path';

const kafkajsSrc = path.join(path.dirname(require.resolve('kafkajs/package.json')), 'src');
interface Message {
  readonly key: string;
  readonly partition: number;
}
const groupMessagesPerPartition = require(path.join(kafkajsSrc, 'producer/groupMessagesPerPartition')) as (args: {
  topic: string;
  partitionMetadata: Array<{ partitionId: number }>;
  messages: Message[];
  partitioner: (args: { message: Message }) => number;
}) => Record<string, Message[]>;

const partitionMetadata = [0, 1, 2].map((partitionId) => ({ partitionId }));
const byOwnPartition = ({ message }: { message: Message }) => message.partition;

describe('kafkajs groupMessagesPerPartition (patched)', () => {
  it("groups messages by the partitioner's answer, keeping their order", () => {
    const messages = Array.from({ length: 9 }, (_, i) => ({ key: `k${i}`, partition: i % 3 }));
    const grouped = groupMessagesPerPartition({ topic: 't', partitionMetadata, messages, partitioner: byOwnPartition });
    expect(Object.keys(grouped)).toEqual(['0', '1', '2']);
    expect(grouped['1']?.map((m) => m.key)).toEqual(['k1', 'k4', 'k7']);
  });

  it('returns nothing without partition metadata', () => {
    expect(
      groupMessagesPerPartition({
        topic: 't',
        partitionMetadata: [],
        messages: [{ key: 'k', partition: 0 }],
        partitioner: byOwnPartition,
      }),
    ).toEqual({});
  });

  // A liveness bound, not a benchmark: ~10 ms patched; kafkajs 2.2.4 needed tens of seconds for this (quadratic).
  it('groups 100,000 messages of one partition in linear time', () => {
    const messages = Array.from({ length: 100_000 }, (_, i) => ({ key: `k${i}`, partition: 0 }));
    const started = Date.now();
    const grouped = groupMessagesPerPartition({ topic: 't', partitionMetadata, messages, partitioner: byOwnPartition });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(grouped['0']).toHaveLength(100_000);
  }, 300_000);
});
