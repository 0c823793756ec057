// Fault test on a three-broker cluster (replication factor 3, min.insync.replicas 2), one processor, 100,000
// events in six partitions: the broker that leads most input partitions is SIGKILLed at about a quarter of the
// stream and restarted 10 s later, in both processing guarantees. Every input must have its outcome by event_id
// (at_least_once: none missing, duplicates counted; exactly_once: exactly one for a read_committed reader), and
// the processor must never exit. `npm run soak` repeats this file.
import { CLUSTER_BASE_PORTS, sumOffsets, waitFor } from '@login/kafka/testing';
import {
  committedDuringFaults,
  drainAndAccount,
  expectEveryInputAccounted,
  reportStreamFault,
  STREAM_TOTAL,
  useThreeBrokers,
  watchMovedPartitions,
} from './testing/three-brokers';

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

    const victim = await cluster.leaderOfMost(t.input);
    const { moved, recovered } = await watchMovedPartitions(cluster, t, victim);
    await cluster.killNode(victim);
    const killedAt = Date.now();
    await sleep(Math.max(0, 10_000 - (Date.now() - killedAt)));
    await cluster.startNode(victim);
    const recoveryMs = await recovered;

    const result = await drainAndAccount(t, processor);
    reportStreamFault(`failover ${guarantee}`, result, processor, recoveryMs, {
      killedBroker: victim,
      movedPartitions: moved.length,
    });
    expectEveryInputAccounted(result, processor, guarantee);
  }, 300_000);
});
