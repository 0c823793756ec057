import { Kafka, logLevel } from 'kafkajs';
import { CLUSTER_BASE_PORTS } from './cluster-ports';
import { startLocalCluster } from './local-cluster';
import type { LocalCluster } from './local-cluster';
import { uniqueName } from './topics';

// The harness itself, on a private three-node cluster: leaders and coordinators move when nodes go and come back.
let cluster: LocalCluster;

beforeAll(async () => {
  cluster = await startLocalCluster({
    brokers: 3,
    basePort: CLUSTER_BASE_PORTS.kafkaLocalCluster,
    name: 'local-cluster-spec',
  });
}, 300_000);

afterAll(async () => {
  await cluster?.down();
}, 120_000);

async function createTopic(partitions: number): Promise<string> {
  const topic = uniqueName('cluster');
  const admin = new Kafka({ brokers: cluster.bootstrap.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: [{ topic, numPartitions: partitions, replicationFactor: 3 }],
      waitForLeaders: true,
    });
  } finally {
    await admin.disconnect();
  }
  return topic;
}

/** Kafka's own placement of a group: partition abs(groupId.hashCode()) % partitions of __consumer_offsets. */
function offsetsPartitionOf(groupId: string, partitions: number): number {
  let hash = 0;
  for (let i = 0; i < groupId.length; i++) hash = (Math.imul(31, hash) + groupId.charCodeAt(i)) | 0;
  const abs = hash === -2147483648 ? 0 : Math.abs(hash);
  return abs % partitions;
}

it('reports leaders, and after a node stop every partition has a new live leader that serves', async () => {
  const topic = await createTopic(6);
  const leaders = await cluster.waitForLeaders(topic, 6);
  expect([...leaders.keys()].sort()).toEqual([0, 1, 2, 3, 4, 5]);
  expect([...leaders.values()].every((id) => cluster.nodeIds.includes(id))).toBe(true);
  expect(await cluster.leaders(topic)).toEqual(leaders);

  const busiest = await cluster.leaderOfMost(topic);
  const led = [...leaders.values()].filter((id) => id === busiest).length;
  expect([...leaders.values()].every((id) => [...leaders.values()].filter((x) => x === id).length <= led)).toBe(true);

  const stopped = await cluster.stopNode(busiest);
  expect(stopped).toMatchObject({ id: busiest, changed: true, forced: false });
  const after = await cluster.waitForLeaders(topic, 6);
  expect([...after.values()].filter((id) => id === busiest)).toEqual([]);

  const started = await cluster.startNode(busiest);
  expect(started).toMatchObject({ id: busiest, changed: true });
  expect((await cluster.startNode(busiest)).changed).toBe(false);
});

it('finds the group coordinator by FindCoordinator, and a new one after the coordinator is killed', async () => {
  const group = uniqueName('group');
  const offsetsPartition = offsetsPartitionOf(group, 10); // offsets.topic.num.partitions=10 in tools/kafka
  const coordinator = await cluster.coordinator(group);
  // Independent check: the coordinator is the leader of the group's __consumer_offsets partition.
  expect((await cluster.leaders('__consumer_offsets')).get(offsetsPartition)).toBe(coordinator);

  const killed = await cluster.killNode(coordinator);
  expect(killed).toMatchObject({ id: coordinator, changed: true });
  // The cluster notices a crash after broker.session.timeout.ms; until then it may still name the killed node.
  let next = coordinator;
  const deadline = Date.now() + 60_000;
  while (next === coordinator && Date.now() < deadline) {
    next = await cluster.coordinator(group);
    if (next === coordinator) await new Promise((r) => setTimeout(r, 500));
  }
  expect(next).not.toBe(coordinator);
  expect((await cluster.waitForLeaders('__consumer_offsets', 10)).get(offsetsPartition)).toBe(next);

  await cluster.startNode(coordinator);
});
