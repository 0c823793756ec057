import { createKafkaClient, type KafkaClient } from '../client';
import type { BatchConsumer, BatchConsumerOptions } from '../consumer/types';
import type { LoggerLike } from '../options';
import { testBrokers } from './broker';
import { uniqueName } from './topics';

/** What a test sets for one consumer: everything but its client, group and topic (and a logger of its own, if any). */
export type TestConsumerOptions<T> = Omit<BatchConsumerOptions<T>, 'groupId' | 'topics' | 'logger'> & {
  readonly logger?: LoggerLike;
};

export interface TestConsumers<T> {
  /** A batch consumer of `group` on `input`, from its beginning unless `options` say otherwise; not started yet. */
  start(input: string, group: string, options: TestConsumerOptions<T>): BatchConsumer;
  /** A client of its own, logging to the file's logger. */
  client(): KafkaClient;
}

/**
 * The batch consumers of one test file: each on a client of its own, polling every 200 ms, stopped after the test
 * that started it. Call once at the top of the file; `defaults` apply to every consumer (e.g. the guarantee).
 */
export function testConsumers<T>(
  logger: LoggerLike,
  defaults: Partial<Omit<BatchConsumerOptions<T>, 'groupId' | 'topics' | 'logger'>> = {},
): TestConsumers<T> {
  const running: BatchConsumer[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((consumer) => consumer.stop()));
  });
  const client = () => createKafkaClient({ brokers: testBrokers(), clientId: uniqueName('kafka-int') }, logger);
  return {
    client,
    start(input, group, options) {
      const consumer = client().batchConsumer<T>({
        logger,
        maxWaitTimeInMs: 200,
        fromBeginning: true,
        ...defaults,
        ...options,
        groupId: group,
        topics: [input],
      });
      running.push(consumer);
      return consumer;
    },
  };
}
