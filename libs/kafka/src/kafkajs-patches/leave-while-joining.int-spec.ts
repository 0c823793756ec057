// A member stopped while its JoinGroup is pending (a rolling deploy during a rebalance). kafkajs 2.2.4's disconnect
// waited for that JoinGroup, which the coordinator answers only when the rebalance completes: the stop took until
// the rebalance ended or the stop timed out, and the group then held a member that never synced. With
// patches/kafkajs+2.2.4+006+leave-while-joining.patch the member leaves at once (LeaveGroup on the second
// connection) and the group goes on without it.
import type { LoggerLike } from '../options';
import type { ConsumedRecord, TransformResult } from '../index';
import {
  committedOffsets,
  createPipelineTopics,
  deleteTestTopics,
  produceRaw,
  sumOffsets,
  testConsumers,
  waitFor,
} from '../testing';
import { testKafka } from '../testing/broker';

const lines: string[] = [];
const note = (message: string) => lines.push(message);
const logger: LoggerLike = { error: note, warn: note, info: () => undefined, debug: () => undefined };
const { start } = testConsumers<string>(logger);
afterAll(deleteTestTopics);

async function describeGroup(group: string) {
  const admin = testKafka('test-describe').admin();
  await admin.connect();
  try {
    const {
      groups: [described],
    } = await admin.describeGroups([group]);
    return { state: described?.state ?? 'Unknown', members: described?.members.length ?? 0 };
  } finally {
    await admin.disconnect();
  }
}

it('a member stopped during its join leaves at once, and the group rebalances without it', async () => {
  const { input, output, group } = await createPipelineTopics('leave-joining', 2);
  await produceRaw(
    input,
    Array.from({ length: 40 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })),
  );
  // The first member holds its first chunk, so it does not rejoin and the rebalance the second one starts stays open.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let first = true;
  const transform = async (records: readonly ConsumedRecord[]): Promise<TransformResult<string>> => {
    if (first) {
      first = false;
      await held;
    }
    return {
      records: records.map((r) => ({ topic: output, key: r.key, value: r.value, partition: r.partition })),
      outcomes: records.map((r) => r.offset),
    };
  };
  const holder = start(input, group, { transform, sessionTimeout: 30_000, rebalanceTimeout: 60_000 });
  await holder.start();
  await waitFor('the holder to take its first chunk', () => !first, 20_000);

  const joiner = start(input, group, { transform, stopTimeoutMs: 25_000 });
  const joining = joiner.start().catch(() => undefined);
  await waitFor('a rebalance to begin', async () => (await describeGroup(group)).state === 'PreparingRebalance');
  await new Promise((resolve) => setTimeout(resolve, 1_000));

  const stopAt = Date.now();
  await joiner.stop();
  const stopMs = Date.now() - stopAt;
  await joining;
  release();

  // Without the member that left, the rebalance completes as soon as the holder rejoins, and it owns both partitions.
  const releasedAt = Date.now();
  await waitFor(
    'the group to be stable with one member',
    async () => {
      const { state, members } = await describeGroup(group);
      return state === 'Stable' && members === 1;
    },
    60_000,
  );
  const resumeMs = Date.now() - releasedAt;
  await waitFor(
    'the holder to commit all 40 records',
    async () => sumOffsets((await committedOffsets(group, input)).values()) === 40,
    30_000,
  );
  console.log(`stopped during its join in ${stopMs} ms; the group was stable ${resumeMs} ms after the holder went on`);
  expect(lines.filter((l) => l.includes('stop timed out'))).toEqual([]);
  expect(stopMs).toBeLessThan(5_000);
  // A member left in the group would hold the next sync until its session (30 s) expired.
  expect(resumeMs).toBeLessThan(15_000);
}, 120_000);
