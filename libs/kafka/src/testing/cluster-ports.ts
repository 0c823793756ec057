/**
 * First broker port of every private cluster a test file starts (tools/kafka with LOCAL_KAFKA_PORT): one entry per
 * file, so test files running at the same time never collide. A cluster takes its base port .. base + 2 and the
 * controller ports 10000 above; cluster-ports.spec.ts checks that no two ranges overlap. The tools' own node tests
 * (tools/kafka, tools/scripts) are listed too, as they run beside the Jest projects in `npm test`.
 */
export const CLUSTER_BASE_PORTS = Object.freeze({
  toolsKafkaSingleNode: 19292,
  toolsKafkaThreeBrokers: 19392,
  toolsNpmStart: 19492,
  kafkaLocalCluster: 19592,
  kafkaLeaderMove: 19992,
  processorBrokerRestart: 19692,
  processorBrokerFailover: 19792,
  processorCoordinatorLoss: 19892,
});

export type ClusterPortName = keyof typeof CLUSTER_BASE_PORTS;

/** Broker ports base .. base + 2 and controller ports base + 10000 .. base + 10002 (three nodes at most). */
export function clusterPorts(basePort: number): number[] {
  return [0, 1, 2].flatMap((i) => [basePort + i, basePort + 10_000 + i]);
}
