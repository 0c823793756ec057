// A value at the input topic's size limit: the processor dead-letters it byte for byte (VALUE_TOO_LARGE), and its
// DLQ record is larger than the input by the `__dlq.errors.*` headers. The DLQ topics are created with room for
// those headers; on a DLQ topic with the broker's default max.message.bytes the dead letter still fits because the
// DLQ is written gzip-compressed, and one that cannot fit even then becomes a reference dead letter without its
// value: never a MESSAGE_TOO_LARGE that stops the processor at the same offset on every restart.
import { randomBytes } from 'node:crypto';
import { consumeUntil, createTestTopic, deleteTestTopics, produceRaw, uniqueName } from '@login/kafka/testing';
import { DLQ_TOPIC_CONFIG } from '@login/kafka';
import { waitUntilDrained } from './testing/accounting';
import { killLeftovers, ProcessorProcess } from './testing/processor-process';

// The broker's default limit of a record batch (message.max.bytes), which the input topic keeps.
const BROKER_DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;
// As large as the input topic accepts: one record batch of one record, ~80 bytes of framing.
const VALUE_BYTES = BROKER_DEFAULT_MAX_MESSAGE_BYTES - 400;

const running: ProcessorProcess[] = [];
afterEach(() => killLeftovers(running));
afterAll(deleteTestTopics);

async function pipeline(dlqConfig: Record<string, string>, value = Buffer.alloc(VALUE_BYTES, 0x61)) {
  const t = {
    input: await createTestTopic('big-in'),
    output: await createTestTopic('big-out'),
    dlq: await createTestTopic('big-dlq', { config: dlqConfig }),
    group: uniqueName('processor-big'),
  };
  await produceRaw(t.input, [{ key: 'k-huge', value, headers: { 'x-origin': 'test' } }]);
  const processor = await ProcessorProcess.start({ ...t, env: {} });
  running.push(processor);
  await processor.waitReady();
  return { t, value, processor };
}

describe('a value at the input topic size limit', () => {
  it('reaches a DLQ topic created with DLQ_TOPIC_CONFIG byte for byte, and its offset is committed', async () => {
    const { t, value, processor } = await pipeline(DLQ_TOPIC_CONFIG);
    await waitUntilDrained(t, () => `not drained:\n${processor.logs.slice(-20).join('\n')}`, 60_000);
    const [dead] = await consumeUntil(t.dlq, 1, { timeoutMs: 30_000 });
    expect(dead?.value?.equals(value)).toBe(true);
    expect(dead?.headers['__dlq.errors.reason']?.toString()).toBe('VALUE_TOO_LARGE');
  });

  it('fits a DLQ topic with the broker default limit byte for byte: the DLQ is written gzip-compressed', async () => {
    const { t, value, processor } = await pipeline({});
    await waitUntilDrained(t, () => `not drained:\n${processor.logs.slice(-20).join('\n')}`, 60_000);
    const [dead] = await consumeUntil(t.dlq, 1, { timeoutMs: 30_000 });
    expect(dead?.value?.equals(value)).toBe(true);
    expect(dead?.headers['__dlq.errors.omitted']).toBeUndefined();
    expect(processor.child.exitCode).toBeNull();
  });

  it('becomes a reference dead letter when it cannot fit even compressed, and the partition moves on', async () => {
    const { t, processor } = await pipeline({}, randomBytes(VALUE_BYTES));
    await waitUntilDrained(t, () => `not drained:\n${processor.logs.slice(-20).join('\n')}`, 60_000);
    const [dead] = await consumeUntil(t.dlq, 1, { timeoutMs: 30_000 });
    expect(dead?.value).toBeNull();
    expect(dead?.headers['__dlq.errors.omitted']?.toString()).toBe('value');
    expect(dead?.headers['__dlq.errors.original.value.bytes']?.toString()).toBe(String(VALUE_BYTES));
    expect(dead?.headers['__dlq.errors.reason']?.toString()).toBe('VALUE_TOO_LARGE');
    expect(dead?.headers['__dlq.errors.offset']?.toString()).toBe('0');
    expect(
      processor
        .entries()
        .some(
          (e) =>
            e['message'] === 'dead letter topic limit' && e['maxMessageBytes'] === BROKER_DEFAULT_MAX_MESSAGE_BYTES,
        ),
    ).toBe(true);
    expect(processor.child.exitCode).toBeNull();
  });
});
