import { spawn } from 'node:child_process';
import path from 'node:path';
import { DLQ_HEADERS } from '@login/event-schema';
import {
  consumeUntil,
  createTestTopic,
  deleteTestTopics,
  recordCount,
  testBrokers,
  uniqueName,
} from '@login/kafka/testing';
import { generateMix, MIX } from './testing/generate-mix';

// The generator's malformed records, run through the real processor (built by this target's dependencies).
const PROCESSOR = path.resolve(__dirname, '../../../dist/apps/processor/main.js');

afterAll(deleteTestTopics);

it('the processor dead-letters about 10% of `--count 5000 --invalid-ratio 0.1 --seed 7`, with exactly the reasons the generator reports', async () => {
  const input = await createTestTopic('gen-in', { partitions: 3 });
  const output = await createTestTopic('gen-out', { partitions: 3 });
  const dlq = await createTestTopic('gen-dlq', { partitions: 3 });
  const result = await generateMix(input);
  expect(result.exitCode).toBe(0);
  const summary = result.summary!;
  expect(summary.produced).toBe(MIX.count);

  const processor = spawn(process.execPath, [PROCESSOR], {
    env: {
      PATH: process.env['PATH'] ?? '',
      KAFKA_BROKERS: testBrokers().join(','),
      INPUT_TOPIC: input,
      OUTPUT_TOPIC: output,
      DLQ_TOPIC: dlq,
      CONSUMER_GROUP: uniqueName('gen-processor'),
      MASKING_KEY: 'generator-pipeline-test-key-0123',
      LINEAGE_KEY: 'generator-pipeline-test-lineage-key-0123456789',
      HTTP_PORT: '0',
      LOG_LEVEL: 'warn',
    },
    stdio: 'ignore',
  });
  const exited = new Promise<number | null>((resolve) => processor.on('exit', resolve));
  try {
    const deadline = Date.now() + 90_000;
    while ((await recordCount(output)) + (await recordCount(dlq)) < MIX.count) {
      if (Date.now() > deadline) throw new Error('the processor did not route all 5000 records in time');
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    processor.kill('SIGTERM');
  }
  expect(await exited).toBe(0);

  const deadLetters = await consumeUntil(dlq, await recordCount(dlq), { timeoutMs: 60_000 });
  const byReason: Record<string, number> = {};
  for (const r of deadLetters) {
    const reason = String(r.headers[DLQ_HEADERS.reason]);
    byReason[reason] = (byReason[reason] ?? 0) + 1;
  }
  expect(byReason).toEqual(summary.invalidByReason);
  expect(await recordCount(output)).toBe(summary.valid);
  expect(deadLetters.length / MIX.count).toBeGreaterThan(0.085);
  expect(deadLetters.length / MIX.count).toBeLessThan(0.115);
});
