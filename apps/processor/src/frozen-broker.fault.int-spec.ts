// Gray-failure test: a broker freezes. The broker that leads most input partitions is SIGSTOPped at about a tenth of
// a 100,000-event stream (three brokers, replication factor 3, min.insync.replicas 2, one processor) and SIGCONTed
// later: alive to TCP, it answers nothing, which trips request, session and transaction timeouts at once, and the
// cluster moves its leaderships away. In both guarantees every input must have its outcome by event_id, the
// processor must never exit, and it must commit again on the moved partitions within RECOVERY_BOUND_MS.
// `npm run soak` freezes it for 45 s (FAULT_FULL_LENGTH=1), `npm test` for 15 s.
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

const brokers = useThreeBrokers(CLUSTER_BASE_PORTS.processorFrozenBroker, 'processor-frozen-broker');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const FROZEN_MS = (process.env['FAULT_FULL_LENGTH'] === '1' ? 45 : 15) * 1000;
// Requests already sent to the frozen broker wait for their timeout (KAFKA_REQUEST_TIMEOUT_MS, 30 s) before the
// client asks for new leaders: the moved partitions commit again by then, or soon after a shorter freeze ends.
const RECOVERY_BOUND_MS = Math.min(FROZEN_MS, 30_000) + 15_000;

describe.each(['at_least_once', 'exactly_once'] as const)('%s', (guarantee) => {
  it('the leader of most partitions frozen (SIGSTOP) at ~10%, then thawed: every input has its outcome', async () => {
    const cluster = brokers.cluster();
    const { t, processor } = await brokers.streamThroughProcessor(`frozen-${guarantee}`, {
      PROCESSING_GUARANTEE: guarantee,
    });
    await waitFor(
      'a tenth committed',
      async () => sumOffsets((await committedDuringFaults(t.group, t.input)).values()) >= STREAM_TOTAL / 10,
      120_000,
    );
    const victim = await cluster.leaderOfMost(t.input);
    const { moved, recovered } = await watchMovedPartitions(cluster, t, victim);
    await cluster.freezeNode(victim);
    try {
      await sleep(FROZEN_MS);
    } finally {
      await cluster.thawNode(victim);
    }
    const recoveryMs = await recovered;

    const result = await drainAndAccount(t, processor);
    reportStreamFault(`frozen broker ${guarantee}`, result, processor, recoveryMs, {
      frozenBroker: victim,
      frozenMs: FROZEN_MS,
      movedPartitions: moved.length,
    });
    expectEveryInputAccounted(result, processor, guarantee);
    expect(recoveryMs).toBeLessThan(RECOVERY_BOUND_MS);
  }, 420_000);
});
