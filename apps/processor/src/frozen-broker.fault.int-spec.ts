// Gray-failure test: a broker freezes. The broker that leads most input partitions is SIGSTOPped at about a tenth of
// a 100,000-event stream (three brokers, replication factor 3, min.insync.replicas 2, one processor) and SIGCONTed
// later: alive to TCP, it answers nothing, which trips request, session and transaction timeouts at once, and the
// cluster moves its leaderships away. In both guarantees every input must have its outcome by event_id, the
// processor must never exit, and it must commit again on the moved partitions within RECOVERY_BOUND_MS.
// `npm run soak` freezes it for 45 s (FAULT_FULL_LENGTH=1), `npm test` for 15 s.
import { CLUSTER_BASE_PORTS, reportFaultRun, sumOffsets, waitFor } from '@login/kafka/testing';
import { committedDuringFaults, drainAndAccount, STREAM_TOTAL, useThreeBrokers } from './testing/three-brokers';

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
    const leaders = await cluster.leaders(t.input);
    const victim = await cluster.leaderOfMost(t.input);
    const moved = [...leaders].filter(([, leader]) => leader === victim).map(([partition]) => partition);
    const before = await committedDuringFaults(t.group, t.input);
    await cluster.freezeNode(victim);
    const frozenAt = Date.now();

    // Recovered: every partition the frozen broker led is committed past where it stood at the freeze.
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
      recoveryMs = Date.now() - frozenAt;
    })();
    try {
      await sleep(FROZEN_MS);
    } finally {
      await cluster.thawNode(victim);
    }
    await recovered;

    const result = await drainAndAccount(t, processor);
    reportFaultRun({
      test: `frozen broker ${guarantee}`,
      inputs: result.inputs,
      lost: result.missing.length,
      duplicates: result.duplicates,
      recoveryMs,
      processorExits: processor.child.exitCode === null ? 0 : 1,
      frozenBroker: victim,
      frozenMs: FROZEN_MS,
      movedPartitions: moved.length,
    });
    expect(processor.child.exitCode).toBeNull();
    expect(result.missing).toEqual([]);
    expect(result.unknown).toBe(0);
    expect(result.outputs + result.deadLetters).toBe(STREAM_TOTAL + result.duplicates);
    expect(result.deadLetters).toBeGreaterThanOrEqual(STREAM_TOTAL / 40);
    if (guarantee === 'exactly_once') expect(result.duplicates).toBe(0);
    expect(recoveryMs).toBeLessThan(RECOVERY_BOUND_MS);
  }, 420_000);
});
