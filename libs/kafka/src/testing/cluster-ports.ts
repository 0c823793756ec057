const OFFSET = portOffset(process.env['TEST_CLUSTER_PORT_OFFSET']);

/**
 * TEST_CLUSTER_PORT_OFFSET (0..2000, a multiple of 100: a proxied cluster spans base .. base + 50) moves every base
 * port, so two checkouts can run the same fault tests at once (a soak beside a test run, say).
 */
export function portOffset(text: string | undefined): number {
  if (text === undefined || text === '') return 0;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 2000 || n % 100 !== 0)
    throw new Error(`TEST_CLUSTER_PORT_OFFSET must be a multiple of 100 in 0..2000, got "${text}"`);
  return n;
}

/**
 * First broker port of every private cluster a test file starts (tools/kafka with LOCAL_KAFKA_PORT): one entry per
 * file, so test files running at the same time never collide. A cluster takes its base port .. base + 2 and the
 * controller ports 10000 above; cluster-ports.spec.ts checks that no two ranges overlap. The tools' own node tests
 * (tools/kafka, tools/scripts) are listed too, as they run beside the Jest projects in `npm test`.
 */
const RAW_BASE_PORTS = {
  toolsKafkaSingleNode: 19292,
  toolsKafkaThreeBrokers: 19392,
  toolsNpmStart: 19492,
  kafkaLocalCluster: 19592,
  kafkaLeaderMove: 19992,
  processorBrokerRestart: 19692,
  processorBrokerFailover: 19792,
  processorCoordinatorLoss: 19892,
  processorSlowNetwork: 20092,
  processorFrozenBroker: 20192,
  processorLongSoak: 20292,
};

export const CLUSTER_BASE_PORTS: Readonly<Record<keyof typeof RAW_BASE_PORTS, number>> = Object.freeze(
  Object.fromEntries(Object.entries(RAW_BASE_PORTS).map(([name, port]) => [name, port + OFFSET])) as Record<
    keyof typeof RAW_BASE_PORTS,
    number
  >,
);

export type ClusterPortName = keyof typeof RAW_BASE_PORTS;

/**
 * Broker ports base .. base + 2 and controller ports base + 10000 .. base + 10002 (three nodes at most); behind the
 * proxy (tools/kafka/proxy.mjs) also the brokers' own ports base + 10 .. 12 and base + 20 .. 22, and toxiproxy's API
 * on base + 50.
 */
export function clusterPorts(basePort: number): number[] {
  return [
    ...[0, 1, 2].flatMap((i) => [basePort + i, basePort + 10 + i, basePort + 20 + i, basePort + 10_000 + i]),
    basePort + 50,
  ];
}
