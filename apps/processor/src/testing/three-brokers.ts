// The fixture of the fault tests that break brokers: a private three-broker cluster for the test file (replication
// factor 3, min.insync.replicas 2), 100,000 events streamed through one processor, and the accounting after it.
import {
  committedOffsets,
  createTestTopic,
  produceRaw,
  reportFaultRun,
  startLocalCluster,
  uniqueName,
  waitFor,
} from '@login/kafka/testing';
import type { LocalCluster } from '@login/kafka/testing';
import { account, drained } from './accounting';
import { validEvent } from './events';
import { killLeftovers, ProcessorProcess } from './processor-process';

export const STREAM_TOTAL = 100_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Topics {
  readonly input: string;
  readonly output: string;
  readonly dlq: string;
  readonly group: string;
}

/**
 * Registers beforeAll/afterEach/afterAll for a test file that runs its own three-broker cluster on `basePort`;
 * `cluster()` is available from the first test on. The shared test helpers follow KAFKA_BROKERS meanwhile: with
 * `proxy`, the processor connects through toxiproxy and the test's own clients bypass it.
 */
export function useThreeBrokers(basePort: number, name: string, { proxy = false } = {}) {
  const sharedBrokers = process.env['KAFKA_BROKERS'];
  let cluster: LocalCluster | undefined;
  const running: ProcessorProcess[] = [];
  beforeAll(async () => {
    cluster = await startLocalCluster({ brokers: 3, basePort, name, proxy });
    process.env['KAFKA_BROKERS'] = cluster.directBootstrap;
  }, 300_000);
  afterEach(async () => {
    await killLeftovers(running);
  });
  afterAll(async () => {
    process.env['KAFKA_BROKERS'] = sharedBrokers;
    await cluster?.down();
  }, 120_000);

  const current = (): LocalCluster => {
    if (!cluster) throw new Error('the cluster is not started yet');
    return cluster;
  };

  return {
    cluster: current,
    /** Six-partition topics, `records` (STREAM_TOTAL) records (1 in 40 malformed), a ready processor, small fetches. */
    async streamThroughProcessor(
      prefix: string,
      env: Record<string, string>,
      { records = STREAM_TOTAL } = {},
    ): Promise<{ t: Topics; processor: ProcessorProcess; env: Record<string, string> }> {
      const c = current();
      const t = {
        input: await createTestTopic(`${prefix}-in`, { partitions: 6 }),
        output: await createTestTopic(`${prefix}-out`, { partitions: 6 }),
        dlq: await createTestTopic(`${prefix}-dlq`, { partitions: 6 }),
        group: uniqueName(prefix),
      };
      for (const topic of [t.input, t.output, t.dlq]) await c.waitForLeaders(topic, 6);
      if (records > 0)
        await produceRaw(
          t.input,
          Array.from({ length: records }, (_, i) => {
            const e = validEvent(i);
            return { key: e.user_id, value: i % 40 === 0 ? '{"broken' : JSON.stringify(e) };
          }),
        );
      // Small fetches keep the stream flowing while the fault happens; a short session so a rejoin is quick.
      const processorEnv = {
        LOG_LEVEL: 'info',
        FETCH_MAX_BYTES_PER_PARTITION: '65536',
        KAFKA_SESSION_TIMEOUT_MS: '10000',
        KAFKA_HEARTBEAT_INTERVAL_MS: '1000',
        ...env,
      };
      const processor = await ProcessorProcess.start({ ...t, brokers: c.bootstrap, env: processorEnv });
      running.push(processor);
      await processor.waitReady();
      return { t, processor, env: processorEnv };
    },
  };
}

/** The group's committed offsets, asked again while a broker down on purpose keeps the cluster from answering. */
export async function committedDuringFaults(group: string, topic: string): Promise<Map<number, bigint>> {
  for (;;) {
    try {
      return await committedOffsets(group, topic);
    } catch {
      await sleep(250);
    }
  }
}

/** Waits until the processor committed the whole input, then counts every input's outcomes. */
export async function drainAndAccount(t: Topics, processor: ProcessorProcess) {
  await waitFor(
    () => `not drained:\n${processor.logs.slice(-20).join('\n')}`,
    async () => {
      try {
        return await drained(t.group, t.input, committedOffsets);
      } catch {
        return false; // a broker is still coming back
      }
    },
    240_000,
  );
  return account(t.input, t.output, t.dlq);
}

type Accounted = Awaited<ReturnType<typeof drainAndAccount>>;

/** Reports a fault run of STREAM_TOTAL inputs to `npm run soak` (reportFaultRun) with its own `details`. */
export function reportStreamFault(
  test: string,
  result: Accounted,
  processor: ProcessorProcess,
  recoveryMs: number | undefined,
  details: Record<string, unknown> = {},
): void {
  reportFaultRun({
    test,
    inputs: result.inputs,
    lost: result.missing.length,
    duplicates: result.duplicates,
    recoveryMs,
    processorExits: processor.child.exitCode === null ? 0 : 1,
    ...details,
  });
}

/**
 * What every fault test on the stream asserts: the processor never exited, every input has its outcome by
 * event_id (1 in 40 of them a dead letter), nothing unknown appeared, and exactly once added no duplicate.
 */
export function expectEveryInputAccounted(
  result: Accounted,
  processor: ProcessorProcess,
  guarantee: 'at_least_once' | 'exactly_once',
): void {
  expect(processor.child.exitCode).toBeNull();
  expect(result.missing).toEqual([]);
  expect(result.unknown).toBe(0);
  expect(result.outputs + result.deadLetters).toBe(STREAM_TOTAL + result.duplicates);
  expect(result.deadLetters).toBeGreaterThanOrEqual(STREAM_TOTAL / 40);
  if (guarantee === 'exactly_once') expect(result.duplicates).toBe(0);
}

/**
 * Starts watching the partitions `victim` leads: `recovered` resolves with the time from now until every one of
 * them has committed past where it stood now (a dead or frozen leader's partitions moved and made progress).
 */
export async function watchMovedPartitions(
  cluster: LocalCluster,
  t: Topics,
  victim: number,
): Promise<{ moved: number[]; recovered: Promise<number> }> {
  const leaders = await cluster.leaders(t.input);
  const moved = [...leaders].filter(([, leader]) => leader === victim).map(([partition]) => partition);
  const before = await committedDuringFaults(t.group, t.input);
  const since = Date.now();
  const recovered = waitFor(
    'the moved partitions to make progress',
    async () => {
      const now = await committedDuringFaults(t.group, t.input);
      return moved.every((p) => (now.get(p) ?? -1n) > (before.get(p) ?? -1n));
    },
    240_000,
  ).then(() => Date.now() - since);
  return { moved, recovered };
}
