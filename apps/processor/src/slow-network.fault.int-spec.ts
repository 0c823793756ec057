// Gray-failure tests: the network between the processor and the brokers goes bad, the brokers stay up. A
// three-broker cluster behind toxiproxy (tools/kafka `up --proxy`), one processor connected through it, 100,000
// events in six partitions; at about a tenth of the stream one fault is switched on, held, and switched off, in both
// processing guarantees. Every input must have its outcome by event_id (at_least_once: none missing, duplicates
// counted; exactly_once: exactly one for a read_committed reader), the processor must never exit, and it must commit
// again soon after the fault ends. `npm run soak` holds each fault as long as the issue asks (FAULT_FULL_LENGTH=1);
// `npm test` holds it for a third of that, which keeps CI short and still outlasts the session timeout (10 s).
import { CLUSTER_BASE_PORTS, sumOffsets, waitFor } from '@login/kafka/testing';
import {
  committedDuringFaults,
  drainAndAccount,
  expectEveryInputAccounted,
  reportStreamFault,
  STREAM_TOTAL,
  useThreeBrokers,
} from './testing/three-brokers';
import { clearGrayFaults, GRAY_FAULTS } from './testing/gray-faults';
import type { Topics } from './testing/three-brokers';

const brokers = useThreeBrokers(CLUSTER_BASE_PORTS.processorSlowNetwork, 'processor-slow-network', { proxy: true });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const FULL_LENGTH = process.env['FAULT_FULL_LENGTH'] === '1';
/** How long the processor may take to commit again after a fault ends. */
const RECOVERY_BOUND_MS = 30_000;

const committedSum = async (t: Topics) => sumOffsets((await committedDuringFaults(t.group, t.input)).values());

/** From `since` until the group commits past where it stood then (0 when it had committed everything already). */
async function timeToNextCommit(t: Topics, since: number): Promise<number> {
  const at = await committedSum(t);
  if (at >= STREAM_TOTAL) return 0;
  await waitFor('a commit after the fault', async () => (await committedSum(t)) > at, 240_000);
  return Date.now() - since;
}

describe.each(['at_least_once', 'exactly_once'] as const)('%s', (guarantee) => {
  it.each(GRAY_FAULTS.map((f) => [f.name, f] as const))(
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
        await clearGrayFaults(cluster);
      }
      const recoveryMs = await timeToNextCommit(t, Date.now());

      const result = await drainAndAccount(t, processor);
      reportStreamFault(`gray ${fault.label} ${guarantee}`, result, processor, recoveryMs, {
        heldMs,
        committedDuringFault,
        ...details,
      });
      expectEveryInputAccounted(result, processor, guarantee);
      expect(recoveryMs).toBeLessThan(RECOVERY_BOUND_MS);
    },
    420_000,
  );
});
