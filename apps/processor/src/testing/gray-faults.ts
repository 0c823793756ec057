// The gray failures of the network between the processor and the brokers, as data: the fault tests
// (slow-network.fault.int-spec.ts) and the hour-long soak (long-run.soak-spec.ts) switch on the same faults for
// the same time. Each one is switched off by resetting toxiproxy.
import type { LocalCluster } from '@login/kafka/testing';
import type { Topics } from './three-brokers';

export interface GrayFault {
  /** The fault's name in test titles and in the soak's plot. */
  readonly name: string;
  /** Its short name in the soak table. */
  readonly label: string;
  /** How long a soak holds it (the length); `npm test` holds it shorter. */
  readonly seconds: number;
  /** Switches the fault on; returns what the report should say about it. */
  on(cluster: LocalCluster, t: Topics): Promise<Record<string, unknown>>;
}

export const GRAY_FAULTS: readonly GrayFault[] = [
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

/** Switches every gray fault off. */
export const clearGrayFaults = (cluster: LocalCluster): Promise<void> => cluster.toxiproxy!.reset();
