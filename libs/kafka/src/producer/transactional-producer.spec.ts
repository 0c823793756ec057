import { Kafka } from 'kafkajs';
import { createKafkaClient, type KafkaClientConfig, type TransactionalProducerOptions } from '../index';
import { toKafkaConfig } from '../client';
import { quietLogger } from '../testing/quiet-logger';
import { createTransactionalProducer, DEFAULT_TRANSACTION_TIMEOUT_MS } from './transactional-producer';

// Never connected: validation and state checks happen before any I/O.
const config: KafkaClientConfig = { brokers: ['127.0.0.1:1'], clientId: 'txn-unit', logLevel: 'nothing' };
const client = createKafkaClient(config, quietLogger);

describe('client.transactionalProducer options', () => {
  it.each([
    [{ transactionalId: '' }, '/options/transactionalId must be a non-empty string'],
    [{ transactionalId: 'id', transactionTimeoutMs: 10 }, '/options/transactionTimeoutMs'],
    [{ transactionalId: 'id', maxBatchBytes: 0 }, '/options/maxBatchBytes'],
    [{ transactionalId: 'id', ackTimeoutMs: 1.5 }, '/options/ackTimeoutMs'],
  ])('rejects an option: %#', (options, message) => {
    expect(() => client.transactionalProducer(options as TransactionalProducerOptions)).toThrow(message);
  });

  it('refuses a transaction before connect()', async () => {
    const producer = client.transactionalProducer({ transactionalId: 'id' });
    expect(producer.isConnected()).toBe(false);
    await expect(producer.commitTransaction([{ topic: 't', key: null, value: 'v' }])).rejects.toMatchObject({
      code: 'NOT_CONNECTED',
      canRetry: false,
    });
  });

  // One default for every transactional writer (the processor's per-partition producers and the replayer's).
  it.each([
    [undefined, DEFAULT_TRANSACTION_TIMEOUT_MS],
    [90_000, 90_000],
  ])('gives kafkajs the transaction timeout %p as %p', async (given, expected) => {
    expect(DEFAULT_TRANSACTION_TIMEOUT_MS).toBe(60_000);
    // The kafkajs instance is the client's private state: this test makes its own, as the client does.
    const kafka = new Kafka(toKafkaConfig(config, quietLogger));
    const seen: unknown[] = [];
    const spy = jest.spyOn(kafka, 'producer').mockImplementation((config) => {
      seen.push(config?.transactionTimeout);
      throw new Error('no broker in a unit test');
    });
    try {
      const options = given === undefined ? {} : { transactionTimeoutMs: given };
      await expect(
        createTransactionalProducer(kafka, quietLogger, { transactionalId: 'id', ...options }).connect(),
      ).rejects.toThrow();
      expect(seen).toEqual([expected]);
    } finally {
      spy.mockRestore();
    }
  });
});
