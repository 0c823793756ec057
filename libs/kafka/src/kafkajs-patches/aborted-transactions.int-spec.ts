// A real broker lists a partition's aborted transactions in the order they were aborted. Two transactions on one
// partition, the one that started first aborted last: a read_committed reader must see neither. With kafkajs 2.2.4
// the first record of the earlier transaction came through (patches/kafkajs+2.2.4+008+aborted-transactions-order).
import type { Producer } from 'kafkajs';
import { createTestTopic, deleteTestTopics, readToEnd, uniqueName } from '../testing';
import { testKafka } from '../testing/broker';

afterAll(deleteTestTopics);

async function transactionalProducer(): Promise<Producer> {
  const producer = testKafka('test-aborts').producer({
    transactionalId: uniqueName('aborts'),
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  return producer;
}

it('a read_committed reader sees no record of two interleaved transactions aborted in reverse order', async () => {
  const topic = await createTestTopic('aborted-order');
  const early = await transactionalProducer();
  const late = await transactionalProducer();
  const committer = await transactionalProducer();
  try {
    const earlyTx = await early.transaction();
    await earlyTx.send({ topic, messages: [{ value: 'early-1' }] });
    const lateTx = await late.transaction();
    await lateTx.send({ topic, messages: [{ value: 'late-1' }] });
    await earlyTx.send({ topic, messages: [{ value: 'early-2' }] });
    await lateTx.abort();
    await earlyTx.abort();
    const committedTx = await committer.transaction();
    await committedTx.send({ topic, messages: [{ value: 'committed' }] });
    await committedTx.commit();

    const committed = await readToEnd(topic, { isolation: 'read_committed' });
    const everything = await readToEnd(topic, { isolation: 'read_uncommitted' });

    expect(everything.map((r) => r.value?.toString())).toEqual(['early-1', 'late-1', 'early-2', 'committed']);
    expect(committed.map((r) => r.value?.toString())).toEqual(['committed']);
  } finally {
    await Promise.all([early, late, committer].map((p) => p.disconnect()));
  }
});
