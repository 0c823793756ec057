import { createKafkaClient, createTransactionalProducer, type TransactionalProducerOptions } from '../index';
import { quietLogger } from '../testing/quiet-logger';

// Never connected: validation and state checks happen before any I/O.
const client = createKafkaClient({ brokers: ['127.0.0.1:1'], clientId: 'txn-unit', logLevel: 'nothing' }, quietLogger);

describe('createTransactionalProducer options', () => {
  it.each([
    [{ transactionalId: '' }, '/options/transactionalId must be a non-empty string'],
    [{ transactionalId: 'id', transactionTimeoutMs: 10 }, '/options/transactionTimeoutMs'],
    [{ transactionalId: 'id', maxBatchBytes: 0 }, '/options/maxBatchBytes'],
    [{ transactionalId: 'id', ackTimeoutMs: 1.5 }, '/options/ackTimeoutMs'],
  ])('rejects an option: %#', (options, message) => {
    expect(() => createTransactionalProducer(client, options as TransactionalProducerOptions)).toThrow(message);
  });

  it('refuses a transaction before connect()', async () => {
    const producer = createTransactionalProducer(client, { transactionalId: 'id' });
    expect(producer.isConnected()).toBe(false);
    await expect(producer.commitTransaction([{ topic: 't', key: null, value: 'v' }])).rejects.toMatchObject({
      code: 'NOT_CONNECTED',
      canRetry: false,
    });
  });
});
