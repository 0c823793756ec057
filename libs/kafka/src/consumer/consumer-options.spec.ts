import { BATCH_CONSUMER_DEFAULTS, kafkajsConsumerConfig, partitionProducerOptions } from './consumer-options';
import type { BatchConsumerOptions } from './types';

const base = { groupId: 'g', topics: ['t'] } as unknown as BatchConsumerOptions<unknown>;

describe('kafkajsConsumerConfig', () => {
  it('fills every left-out setting from the defaults and never lets kafkajs create topics or read aborted records', () => {
    const config = kafkajsConsumerConfig(base, async () => true);
    expect(config).toMatchObject({
      groupId: 'g',
      sessionTimeout: BATCH_CONSUMER_DEFAULTS.sessionTimeout,
      heartbeatInterval: 3000,
      rebalanceTimeout: 60_000,
      maxBytesPerPartition: 1_048_576,
      maxBytes: 10_485_760,
      maxWaitTimeInMs: 1000,
      minBytes: 1,
      allowAutoTopicCreation: false,
      readUncommitted: false,
    });
  });

  it('passes the restart decision to kafkajs', async () => {
    const config = kafkajsConsumerConfig({ ...base, sessionTimeout: 45_000 }, async () => false);
    expect(config.sessionTimeout).toBe(45_000);
    await expect(config.retry?.restartOnFailure?.(new Error('x'))).resolves.toBe(false);
  });
});

describe('partitionProducerOptions', () => {
  it('carries only the settings the caller set', () => {
    expect(partitionProducerOptions(base, 'tx-1')).toEqual({ transactionalId: 'tx-1' });
    expect(
      partitionProducerOptions(
        {
          ...base,
          transactionTimeoutMs: 5000,
          producerOptions: { ackTimeoutMs: 100 },
        } as BatchConsumerOptions<unknown>,
        'tx-2',
      ),
    ).toEqual({ transactionalId: 'tx-2', transactionTimeoutMs: 5000, ackTimeoutMs: 100 });
  });
});
