// Fault test on a three-broker cluster (replication factor 3, min.insync.replicas 2), one processor, 100,000
// events in six partitions: the broker that leads most input partitions is SIGKILLed at about a quarter of the
// stream and restarted 10 s later, in both processing guarantees. Every input must have its outcome by event_id
// (at_least_once: none missing, duplicates counted; exactly_once: exactly one for a read_committed reader), and
// the processor must never exit. `npm run soak` repeats this file.
import { CLUSTER_BASE_PORTS, reportFaultRun, sumOffsets, waitFor } from '@login/kafka/testing';
import { committedDuringFaults, drainAndAccount, STREAM_TOTAL, useThreeBrokers } from './testing/three-brokers';

const brokers = useThreeBrokers(CLUSTER_BASE_PORTS.processorBrokerFailover, 'processor-broker-failover');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(['at_least_once', 'exactly_once'] as const)('%s', (guarantee) => {
  it('the leader of most partitions SIGKILLed at ~25% and restarted 10 s later: every input has its outcome', async () => {
    const cluster = brokers.cluster();
    const { t, processor } = await brokers.streamThroughProcessor(`failover-${guarantee}`, {
      PROCESSING_GUARANTEE: guarantee,
    });
    await waitFor(
      'a quarter committed',
      async () => sumOffsets((await committedDuringFaults(t.group, t.input)).values()) >= STREAM_TOTAL / 4,
      120_000,
    );

    const leaders = await cluster.leaders(t.input);
    const victim = await cluster.leaderOfMost(t.input);
    const moved = [...leaders].filter(([, leader]) => leader === victim).map(([partition]) => partition);
    const before = await committedDuringFaults(t.group, t.input);
    await cluster.killNode(victim);
    const killedAt = Date.now();

    // Recovered: every partition the dead broker led is committed past where it stood at the kill.
    let recoveryMs: number | undefined;
    const recovered = (async () => {
      await waitFor(
        'the moved partitions to make progress',
        async () => {
          const now = await committedDuringFaults(t.group, t.input);
          return moved.every((p) => (now.get(p) ?? -1n) > (before.get(p) ?? -1n));
        },
        240_000,
      );
      recoveryMs = Date.now() - killedAt;
    })();
    await sleep(Math.max(0, 10_000 - (Date.now() - killedAt)));
    await cluster.startNode(victim);
    await recovered;

    const result = await drainAndAccount(t, processor);
    reportFaultRun({
      test: `failover ${guarantee}`,
      inputs: result.inputs,
      lost: result.missing.length,
      duplicates: result.duplicates,
      recoveryMs,
      processorExits: processor.child.exitCode === null ? 0 : 1,
      killedBroker: victim,
      movedPartitions: moved.length,
    });
    expect(processor.child.exitCode).toBeNull();
    expect(result.missing).toEqual([]);
    expect(result.unknown).toBe(0);
    expect(result.outputs + result.deadLetters).toBe(STREAM_TOTAL + result.duplicates);
    expect(result.deadLetters).toBeGreaterThanOrEqual(STREAM_TOTAL / 40);
    if (guarantee === 'exactly_once') expect(result.duplicates).toBe(0);
  }, 300_000);
});
