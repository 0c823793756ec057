// A value at the input topic's size limit: the processor dead-letters it byte for byte (VALUE_TOO_LARGE), and its
// DLQ record is larger than the input by the `__dlq.errors.*` headers. A DLQ topic with the broker's default
// max.message.bytes refuses it (MESSAGE_TOO_LARGE), so the DLQ topics are created with room for those headers.
import { committedOffsets, consumeUntil, createTestTopic, deleteTestTopics, produceRaw, uniqueName, waitFor } from '@login/kafka/testing';
import { DLQ_TOPIC_CONFIG } from '@login/kafka';
import { drained } from './testing/accounting';
import { killLeftovers, ProcessorProcess } from './testing/processor-process';

// The broker's default limit of a record batch (message.max.bytes), which the input topic keeps.
const BROKER_DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;
// As large as the input topic accepts: one record batch of one record, ~80 bytes of framing.
const VALUE_BYTES = BROKER_DEFAULT_MAX_MESSAGE_BYTES - 400;

const running: ProcessorProcess[] = [];
afterEach(() => killLeftovers(running));
afterAll(deleteTestTopics);

async function pipeline(dlqConfig: Record<string, string>, { waitReady = true } = {}) {
  const t = {
    input: await createTestTopic('big-in'),
    output: await createTestTopic('big-out'),
    dlq: await createTestTopic('big-dlq', { config: dlqConfig }),
    group: uniqueName('processor-big'),
  };
  const value = Buffer.alloc(VALUE_BYTES, 0x61);
  await produceRaw(t.input, [{ key: 'k-huge', value, headers: { 'x-origin': 'test' } }]);
  const processor = await ProcessorProcess.start({ ...t, env: {} });
  running.push(processor);
  if (waitReady) await processor.waitReady();
  return { t, value, processor };
}

describe('a value at the input topic size limit', () => {
  it('reaches a DLQ topic created with DLQ_TOPIC_CONFIG byte for byte, and its offset is committed', async () => {
    const { t, value, processor } = await pipeline(DLQ_TOPIC_CONFIG);
    await waitFor(() => `not drained:\n${processor.logs.slice(-20).join('\n')}`, () => drained(t.group, t.input, committedOffsets), 60_000);
    const [dead] = await consumeUntil(t.dlq, 1, { timeoutMs: 30_000 });
    expect(dead?.value?.equals(value)).toBe(true);
    expect(dead?.headers['__dlq.errors.reason']?.toString()).toBe('VALUE_TOO_LARGE');
  });

  it('is refused by a DLQ topic with the broker default limit: the processor stops with a clear error, commits nothing', async () => {
    // It may stop before its first readiness probe answers: wait for the exit, not for ready.
    const { t, processor } = await pipeline({}, { waitReady: false });
    const exit = await processor.exited;
    expect(exit.code).not.toBe(0);
    expect(processor.logs.join('\n')).toMatch(/larger than the max message size/);
    expect([...(await committedOffsets(t.group, t.input)).values()].every((o) => o <= 0n)).toBe(true);
  });
});
