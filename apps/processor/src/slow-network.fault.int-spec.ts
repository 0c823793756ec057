// Gray-failure tests: the network between the processor and the brokers goes bad, the brokers stay up. A
// three-broker cluster behind toxiproxy (tools/kafka `up --proxy`), one processor connected through it, 100,000
// events in six partitions; at about a tenth of the stream one fault is switched on, held, and switched off, in both
// processing guarantees. Every input must have its outcome by event_id (at_least_once: none missing, duplicates
// counted; exactly_once: exactly one for a read_committed reader), the processor must never exit, and it must commit
// again soon after the fault ends. `npm run soak` holds each fault as long as the issue asks (FAULT_FULL_LENGTH=1);
// `npm test` holds it for a third of that, which keeps CI short and still outlasts the session timeout (10 s).
import { CLUSTER_BASE_PORTS, reportFaultRun, sumOffsets, waitFor } from '@login/kafka/testing';
import type { LocalCluster } from '@login/kafka/testing';
import { committedDuringFaults, drainAndAccount, STREAM_TOTAL, useThreeBrokers } from './testing/three-brokers';
import type { Topics } from './testing/three-brokers';

const brokers = useThreeBrokers(CLUSTER_BASE_PORTS.processorSlowNetwork, 'processor-slow-network', { proxy: true });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const FULL_LENGTH = process.env['FAULT_FULL_LENGTH'] === '1';
/** How long the processor may take to commit again after a fault ends. */
const RECOVERY_BOUND_MS = 30_000;

interface GrayFault {
  readonly name: string;
  /** The fault's name in the soak table. */
  readonly label: string;
  /** How long the fault is held in a soak; `npm test` holds it a third of that. */
  readonly seconds: number;
  /** Switches the fault on; returns what the report should say about it. */
  on(cluster: LocalCluster, t: Topics): Promise<Record<string, unknown>>;
}

const FAULTS: readonly GrayFault[] = [
  {
    name: '500 ms latency (±100 ms jitter) on every broker connection',
    label: 'latency',
    seconds: 60,
    async on(cluster) {
      await cluster.toxiproxy!.add({ type: 'latency', attributes: { latency: 500, jitter: 100 } });
      return { latencyMs: 500 };
    },
  },
  {
    name: 'the connections to the leader of most input partitions black-holed (timeout toxic)',
    label: 'black-hole',
    seconds: 30,
    async on(cluster, t) {
      const victim = await cluster.leaderOfMost(t.input);
      // timeout 0: data is dropped and the connection is held open until the fault ends, the nastiest cut to notice.
      await cluster.toxiproxy!.add({ type: 'timeout', attributes: { timeout: 0 } }, [victim]);
      return { cutBroker: victim };
    },
  },
  {
    name: 'bandwidth limited to 100 KB/s in both directions',
    label: 'bandwidth',
    seconds: 60,
    async on(cluster) {
      await cluster.toxiproxy!.add({ type: 'bandwidth', stream: 'downstream', attributes: { rate: 100 } });
      await cluster.toxiproxy!.add({ type: 'bandwidth', stream: 'upstream', attributes: { rate: 100 } });
      return { rateKBps: 100 };
    },
  },
];

const committedSum = async (t: Topics) => sumOffsets((await committedDuringFaults(t.group, t.input)).values());

/** From `since` until the group commits past where it stood then (0 when it had committed everything already). */
async function timeToNextCommit(t: Topics, since: number): Promise<number> {
  const at = await committedSum(t);
  if (at >= STREAM_TOTAL) return 0;
  await waitFor('a commit after the fault', async () => (await committedSum(t)) > at, 240_000);
  return Date.now() - since;
}

describe.each(['at_least_once', 'exactly_once'] as const)('%s', (guarantee) => {
  it.each(FAULTS.map((f) => [f.name, f] as const))(
    '%s: every input has its outcome',
    async (_name, fault) => {
      const cluster = brokers.cluster();
      const { t, processor } = await brokers.streamThroughProcessor(`gray-${fault.label}-${guarantee}`, {
        PROCESSING_GUARANTEE: guarantee,
      });
      await waitFor('a tenth committed', async () => (await committedSum(t)) >= STREAM_TOTAL / 10, 120_000);

      const heldMs = (FULL_LENGTH ? fault.seconds : fault.seconds / 3) * 1000;
      let details: Record<string, unknown>;
      let committedDuringFault: number;
      try {
        const before = await committedSum(t);
        details = await fault.on(cluster, t);
        await sleep(heldMs);
        committedDuringFault = (await committedSum(t)) - before;
      } finally {
        await cluster.toxiproxy!.reset();
      }
      const recoveryMs = await timeToNextCommit(t, Date.now());

      const result = await drainAndAccount(t, processor);
      reportFaultRun({
        test: `gray ${fault.label} ${guarantee}`,
        inputs: result.inputs,
        lost: result.missing.length,
        duplicates: result.duplicates,
        recoveryMs,
        processorExits: processor.child.exitCode === null ? 0 : 1,
        heldMs,
        committedDuringFault,
        ...details,
      });
      expect(processor.child.exitCode).toBeNull();
      expect(result.missing).toEqual([]);
      expect(result.unknown).toBe(0);
      expect(result.outputs + result.deadLetters).toBe(STREAM_TOTAL + result.duplicates);
      expect(result.deadLetters).toBeGreaterThanOrEqual(STREAM_TOTAL / 40);
      if (guarantee === 'exactly_once') expect(result.duplicates).toBe(0);
      expect(recoveryMs).toBeLessThan(RECOVERY_BOUND_MS);
    },
    420_000,
  );
});
