// Per-topic compression: one send may write a gzip topic (the DLQ) and an uncompressed one (the output). The broker
// checks max.message.bytes against the record batch as stored, so a highly compressible 3 MB record fits a 1 MiB
// topic only if it was really sent compressed.
import { createKafkaClient } from '../index';
import { consumeUntil, createTestTopic, deleteTestTopics, quietLogger, testBrokers } from '../testing';

const LIMIT = { 'max.message.bytes': '1048576' };

afterAll(deleteTestTopics);

describe('a producer with per-topic compression', () => {
  const client = createKafkaClient({ brokers: testBrokers(), clientId: 'compression-int' }, quietLogger);

  it('sends the gzip topic compressed and the other as it is, in one send, keeping each partition in order', async () => {
    const compressed = await createTestTopic('gz', { config: LIMIT });
    const plain = await createTestTopic('plain', { config: LIMIT });
    const producer = client.producer({ compressionByTopic: { [compressed]: 'gzip' } });
    await producer.connect();
    try {
      const big = Buffer.alloc(3 * 1024 * 1024, 0x61);
      await producer.send([
        { topic: plain, key: 'k', value: 'first' },
        { topic: compressed, key: 'k', value: big },
        { topic: compressed, key: 'k', value: 'after-big' },
        { topic: plain, key: 'k', value: 'second' },
      ]);
      const gz = await consumeUntil(compressed, 2, { timeoutMs: 30_000 });
      expect(gz.map((r) => r.value?.length)).toEqual([big.length, 'after-big'.length]);
      expect((await consumeUntil(plain, 2, { timeoutMs: 30_000 })).map((r) => r.value?.toString())).toEqual([
        'first',
        'second',
      ]);

      // The same record to the uncompressed topic is refused: the gzip topic's batch really was compressed.
      await expect(producer.send([{ topic: plain, key: 'k', value: big }])).rejects.toThrow(
        /larger than the max message size/i,
      );
    } finally {
      await producer.disconnect();
    }
  });
});
