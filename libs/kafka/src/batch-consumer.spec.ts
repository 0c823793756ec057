import { createKafkaClient, runBatchConsumer, type BatchConsumerOptions, type LoggerLike } from './index';

const quiet: LoggerLike = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined };
// Never connected: options are validated at construction.
const client = createKafkaClient({ brokers: ['127.0.0.1:1'], clientId: 'batch-unit', logLevel: 'nothing' }, quiet);
const base: BatchConsumerOptions = { client, groupId: 'g', topics: ['t'], logger: quiet, transform: () => [] };

describe('runBatchConsumer stopAt option', () => {
  it.each([
    [{ stopAt: { 0: 5n } }, '/options/stopAt must be a Map of partition to offset'],
    [{ topics: ['a', 'b'], stopAt: new Map([[0, 5n]]) }, '/options/stopAt needs exactly one topic'],
    [{ stopAt: new Map([[-1, 5n]]) }, '/options/stopAt partition -1 must be an integer ≥ 0'],
    [{ stopAt: new Map([[0, 5]]) }, '/options/stopAt/0 must be a bigint ≥ 0'],
    [{ stopAt: new Map([[0, -1n]]) }, '/options/stopAt/0 must be a bigint ≥ 0'],
  ])('rejects %p', (override, message) => {
    expect(() => runBatchConsumer({ ...base, ...(override as object) } as BatchConsumerOptions)).toThrow(message);
  });

  it('accepts a bounded run over one topic, and an unbounded one as before', () => {
    expect(() => runBatchConsumer({ ...base, stopAt: new Map([[0, 0n], [3, 10n]]) })).not.toThrow();
    const unbounded = runBatchConsumer(base);
    expect(unbounded.finished).toBeInstanceOf(Promise);
  });
});
