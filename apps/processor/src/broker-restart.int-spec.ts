import type { OutgoingRecord } from '@login/kafka';
import {
  CLUSTER_BASE_PORTS,
  createTestTopic,
  produceRaw,
  recordCount,
  startLocalCluster,
  uniqueName,
  waitFor,
} from '@login/kafka/testing';
import type { LocalCluster } from '@login/kafka/testing';
import { account, waitUntilDrained } from './testing/accounting';
import { validEvent } from './testing/events';
import { ProcessorProcess } from './testing/processor-process';

// This test stops and starts a broker, so it runs its own private one (tools/kafka on other ports and another run
// dir) instead of the broker the other tests share.
const sharedBrokers = process.env['KAFKA_BROKERS'];

let cluster: LocalCluster | undefined;
let processor: ProcessorProcess | undefined;

beforeAll(async () => {
  cluster = await startLocalCluster({
    brokers: 1,
    basePort: CLUSTER_BASE_PORTS.processorBrokerRestart,
    name: 'processor-broker-restart',
  });
  process.env['KAFKA_BROKERS'] = cluster.bootstrap; // the test helpers follow KAFKA_BROKERS
}, 300_000);

afterAll(async () => {
  if (processor && processor.child.exitCode === null) {
    processor.kill('SIGKILL');
    await processor.exited;
  }
  process.env['KAFKA_BROKERS'] = sharedBrokers;
  await cluster?.down();
}, 120_000);

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
  processor = await ProcessorProcess.start({
    ...t,
    brokers: process.env['KAFKA_BROKERS']!,
    env: { FETCH_MAX_BYTES_PER_PARTITION: '16384' },
  });
  await processor.waitReady();
  await waitFor(
    () => 'no progress before the broker stop',
    async () => (await recordCount(t.output)) > 1000,
    60_000,
  );

  await cluster!.stopNode(1);
  await waitFor(
    () => '/readyz never went false while the broker was down',
    async () => (await processor!.readyz()) === false,
    60_000,
  );
  await new Promise((r) => setTimeout(r, 2000));
  await cluster!.startNode(1);
  // The admin calls below need every partition led and served again, and the group's coordinator: right after a
  // restart a broker may still answer "This server does not host this topic-partition".
  for (const topic of [t.input, t.output, t.dlq]) await cluster!.waitForLeaders(topic, 3);
  await cluster!.coordinator(t.group);
  await waitFor(
    () => `/readyz never came back:\n${processor!.logs.slice(-20).join('\n')}`,
    async () => (await processor!.readyz()) === true,
    120_000,
  );

  await waitUntilDrained(t, () => 'not drained after the broker came back', 180_000);
  const result = await account(t.input, t.output, t.dlq);
  expect(result.missing).toEqual([]);
  expect(result.unknown).toBe(0);
  expect(result.outputs + result.deadLetters).toBe(total + result.duplicates);
  expect(result.deadLetters).toBeGreaterThanOrEqual(total / 40);

  processor.kill('SIGTERM');
  expect((await processor.exited).code).toBe(0);
});
