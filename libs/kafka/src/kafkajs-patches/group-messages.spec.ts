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

  // Counted, not timed: every step of every array iteration during the call. Copying a partition's array per
  // message (kafkajs 2.2.4) steps through n²/2 elements, 12.5 million here; linear grouping through n.
  it('groups the messages of one partition in linear steps', () => {
    const n = 5_000;
    const messages = Array.from({ length: n }, (_, i) => ({ key: `k${i}`, partition: 0 }));
    const { result: grouped, steps } = countIterationSteps(() =>
      groupMessagesPerPartition({ topic: 't', partitionMetadata, messages, partitioner: byOwnPartition }),
    );
    expect(grouped['0']).toHaveLength(n);
    expect(steps).toBeGreaterThanOrEqual(n);
    expect(steps).toBeLessThanOrEqual(3 * n);
  });
});

/** Runs `work` with array iteration (for-of, spread) counted: one step per `next()` of an array iterator. */
function countIterationSteps<T>(work: () => T): { result: T; steps: number } {
  const values = Object.getOwnPropertyDescriptor(Array.prototype, Symbol.iterator)!;
  const original = values.value as (this: unknown[]) => Iterator<unknown>;
  let steps = 0;
  Object.defineProperty(Array.prototype, Symbol.iterator, {
    ...values,
    value: function (this: unknown[]) {
      const iterator = original.call(this);
      return {
        next: () => {
          steps += 1;
          return iterator.next();
        },
        [Symbol.iterator]() {
          return this;
        },
      };
    },
  });
  try {
    return { result: work(), steps };
  } finally {
    Object.defineProperty(Array.prototype, Symbol.iterator, values);
  }
}
