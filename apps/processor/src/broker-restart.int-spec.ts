import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { OutgoingRecord } from '@login/kafka';
import { committedOffsets, createTestTopic, produceRaw, recordCount, uniqueName, waitFor } from '@login/kafka/testing';
import { account, drained } from './testing/accounting';
import { validEvent } from './testing/events';
import { ProcessorProcess } from './testing/processor-process';

// This test stops and starts a broker, so it runs its own private one (tools/kafka on other ports and another run
// dir) instead of the broker the other tests share.
const run = promisify(execFile);
const tool = path.resolve(__dirname, '../../../tools/kafka/kafka.mjs');
const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'processor-broker-restart-'));
const env = { ...process.env, LOCAL_KAFKA_PORT: '19692', LOCAL_KAFKA_RUN_DIR: runDir, LOCAL_KAFKA_HEAP: '512m' };
const kafka = async (...args: string[]) => (await run(process.execPath, [tool, ...args], { env, timeout: 240_000 })).stdout;
const sharedBrokers = process.env['KAFKA_BROKERS'];

let processor: ProcessorProcess | undefined;

beforeAll(async () => {
  const { bootstrap } = JSON.parse(await kafka('up', '--json')) as { bootstrap: string };
  process.env['KAFKA_BROKERS'] = bootstrap; // the test helpers follow KAFKA_BROKERS
});

afterAll(async () => {
  if (processor && processor.child.exitCode === null) {
    processor.kill('SIGKILL');
    await processor.exited;
  }
  process.env['KAFKA_BROKERS'] = sharedBrokers;
  await kafka('down', '--purge').catch(() => undefined);
  fs.rmSync(runDir, { recursive: true, force: true });
});

it('keeps every record through a broker stop/start, and /readyz goes false then true', async () => {
  const t = {
    input: await createTestTopic('in', { partitions: 3 }),
    output: await createTestTopic('out', { partitions: 3 }),
    dlq: await createTestTopic('dlq', { partitions: 3 }),
    group: uniqueName('processor'),
  };
  const total = 20_000;
  const records: Array<Omit<OutgoingRecord, 'topic'>> = Array.from({ length: total }, (_, i) => {
    const e = validEvent(i);
    return { key: e.user_id, value: i % 40 === 0 ? '{broken' : JSON.stringify(e) };
  });
  await produceRaw(t.input, records);

  // Small fetches so that the stream is still flowing when the broker goes away.
  processor = await ProcessorProcess.start({ ...t, brokers: process.env['KAFKA_BROKERS']!, env: { FETCH_MAX_BYTES_PER_PARTITION: '16384' } });
  await processor.waitReady();
  await waitFor(() => 'no progress before the broker stop', async () => (await recordCount(t.output)) > 1000, 60_000);

  await kafka('down');
  await waitFor(() => '/readyz never went false while the broker was down', async () => (await processor!.readyz()) === false, 60_000);
  await new Promise((r) => setTimeout(r, 2000));
  await kafka('up');
  await waitFor(() => `/readyz never came back:\n${processor!.logs.slice(-20).join('\n')}`, async () => (await processor!.readyz()) === true, 120_000);

  await waitFor(() => 'not drained after the broker came back', () => drained(t.group, t.input, committedOffsets), 180_000);
  const result = await account(t.input, t.output, t.dlq);
  expect(result.missing).toEqual([]);
  expect(result.unknown).toBe(0);
  expect(result.outputs + result.deadLetters).toBe(total + result.duplicates);
  expect(result.deadLetters).toBeGreaterThanOrEqual(total / 40);

  processor.kill('SIGTERM');
  expect((await processor.exited).code).toBe(0);
});
