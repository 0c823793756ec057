// Fault test: a consumer group that changes under a running stream. Three processors share the input's six
// partitions; mid-stream one is SIGKILLed (its partitions stand still until its session expires), another is
// SIGTERMed (it finishes and commits its chunk, then leaves) while a fourth joins. Every input record must still
// get its outcome: nothing lost, duplicates counted; with PROCESSING_GUARANTEE=exactly_once a read_committed
// reader finds every outcome exactly once. `npm run soak` repeats this file.
import {
  committedOffsets,
  deleteTestTopics,
  produceStream,
  reportFaultRun,
  sumOffsets,
  waitFor,
} from '@login/kafka/testing';
import { account, drained } from './testing/accounting';
import { commitGaps, sampleCommits } from './testing/commit-timeline';
import { validEvent } from './testing/events';
import { processorGroup } from './testing/processor-group';
import { killLeftovers, type ProcessorProcess } from './testing/processor-process';

const TOTAL = 60_000;
const RATE = 4000;
// The shortest session the broker allows by default (group.min.session.timeout.ms): the killed member's partitions
// move after ~6 s instead of 30 s.
const SESSION_MS = 6000;
const GROUP_TIMING = { KAFKA_SESSION_TIMEOUT_MS: String(SESSION_MS), KAFKA_HEARTBEAT_INTERVAL_MS: '1000' };
// Recovery bound: the dead member's session, plus a few seconds for the rebalance that follows it.
const RESUME_BOUND_MS = SESSION_MS + 10_000;

const running: ProcessorProcess[] = [];
afterEach(async () => {
  await killLeftovers(running);
});
afterAll(deleteTestTopics);

it.each(['at_least_once', 'exactly_once'] as const)(
  '%s: three processors, one SIGKILLed and one SIGTERMed mid-stream while a fourth joins',
  async (guarantee) => {
    const { t, start } = await processorGroup(
      'rebalance',
      6,
      { ...GROUP_TIMING, LOG_LEVEL: 'info', PROCESSING_GUARANTEE: guarantee },
      running,
    );
    const [killed, stopped, stays] = [await start(), await start(), await start()];
    await Promise.all([killed, stopped, stays].map((p) => p.waitReady()));

    // 1 in 50 records is malformed: dead letters flow through the same rebalances.
    const stream = produceStream(
      t.input,
      (i) => {
        const e = validEvent(i);
        return { key: e.user_id, value: i % 50 === 0 ? '{"broken' : JSON.stringify(e) };
      },
      { total: TOTAL, perSecond: RATE },
    );
    const committed = async () => sumOffsets((await committedOffsets(t.group, t.input)).values());
    await waitFor('a quarter of the stream committed', async () => (await committed()) >= TOTAL / 4, 60_000);

    const timeline = sampleCommits(() => committedOffsets(t.group, t.input));
    killed.kill('SIGKILL');
    const killedAt = Date.now();
    await waitFor('half of the stream produced', () => stream.produced() >= TOTAL / 2, 60_000);
    const termAt = Date.now();
    stopped.kill('SIGTERM');
    const joined = await start();
    const stoppedExit = await stopped.exited;
    const stopMs = Date.now() - termAt;

    const produced = await stream.done;
    await waitFor(
      () => `not drained:\n${stays.logs.slice(-15).join('\n')}`,
      () => drained(t.group, t.input, committedOffsets),
      120_000,
    );
    const drainedAfterMs = Date.now() - killedAt;
    const gaps = commitGaps(await timeline.stop(), killedAt);
    const slowestResumeMs = Math.max(...gaps.resumedAfterMs.values());
    const result = await account(t.input, t.output, t.dlq);
    reportFaultRun({
      test: `rebalance ${guarantee}`,
      inputs: result.inputs,
      lost: result.missing.length,
      duplicates: result.duplicates,
      recoveryMs: drainedAfterMs,
      processorExits: [stays, joined].filter((p) => p.child.exitCode !== null).length,
      slowestPartitionResumeMs: slowestResumeMs,
      longestGroupStallMs: gaps.longestGroupStallMs,
      stoppedMemberStopMs: stopMs,
    });

    expect(produced).toBe(TOTAL);
    expect(stoppedExit).toEqual({ code: 0, signal: null });
    // Stopped while the group rebalances around the killed member: it commits what it sent and leaves, promptly.
    expect(stopMs).toBeLessThan(5_000);
    // The survivors never stopped.
    expect(stays.child.exitCode).toBeNull();
    expect(joined.child.exitCode).toBeNull();
    // Every partition, the killed member's included, commits again within the bound; the group never stalls longer.
    expect(gaps.resumedAfterMs.size).toBe(6);
    expect(slowestResumeMs).toBeLessThan(RESUME_BOUND_MS);
    expect(gaps.longestGroupStallMs).toBeLessThan(RESUME_BOUND_MS);
    expect(result.missing).toEqual([]);
    expect(result.unknown).toBe(0);
    expect(result.outputs + result.deadLetters).toBe(result.inputs + result.duplicates);
    expect(result.deadLetters).toBeGreaterThanOrEqual(TOTAL / 50);
    if (guarantee === 'exactly_once') expect(result.duplicates).toBe(0);
  },
  300_000,
);
