// kafkajs issue #1303 on a real three-broker cluster: a partition's leadership moves to a broker that leads another
// partition of the same send. kafkajs 2.2.4 gets NOT_LEADER for the moved partition, skips it on the retry because
// its new leader "already answered", and resolves: each such send loses that partition's records. With
// patches/kafkajs+2.2.4+002+send-messages-per-partition-acks.patch every acknowledged record is in the log exactly
// once. kafkajs's own producer is used as libs/kafka uses it (idempotent, acks -1), so this proves the patch itself;
// libs/kafka's delivery check comes on top of it.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel, type Message } from 'kafkajs';
import { CLUSTER_BASE_PORTS, startLocalCluster } from '../testing';
import type { LocalCluster } from '../testing';

const run = promisify(execFile);
const TOOL = path.resolve(__dirname, '../../../../tools/kafka/kafka.mjs');
const MOVE_LEADER = path.join(__dirname, '../testing/java/MoveLeader.java');

let cluster: LocalCluster;
let jars: string;

beforeAll(async () => {
  jars = (await run(process.execPath, [TOOL, 'fetch'], { timeout: 600_000 })).stdout.trim().split('\n').pop() ?? '';
  cluster = await startLocalCluster({
    brokers: 3,
    basePort: CLUSTER_BASE_PORTS.kafkaLeaderMove,
    name: 'kafka-leader-move',
  });
}, 600_000);

afterAll(async () => {
  await cluster?.down();
}, 120_000);

it('a send keeps every acknowledged record, exactly once, while a partition moves to the leader of another', async () => {
  const kafka = new Kafka({
    clientId: 'leader-move',
    brokers: cluster.bootstrap.split(','),
    logLevel: logLevel.NOTHING,
  });
  const topic = `leader-move-${Date.now()}-${process.pid}`;
  const admin = kafka.admin();
  await admin.connect();
  // Leaders 1, 2, 3 for partitions 0, 1, 2 (the first replica is the preferred leader).
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      {
        topic,
        replicaAssignment: [0, 1, 2].map((partition) => ({
          partition,
          replicas: [0, 1, 2].map((i) => ((partition + i) % 3) + 1),
        })),
      },
    ],
  });
  const leaderOf = async (partition: number) =>
    (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]?.partitions.find((p) => p.partitionId === partition)
      ?.leader;
  // Moves a partition's leadership with Kafka's own Admin client (kafkajs has none): reorder, then elect.
  const moveLeader = async (partition: number, to: number) => {
    const replicas = [to, ...[1, 2, 3].filter((b) => b !== to)];
    await run(
      'java',
      ['-cp', path.join(jars, '*'), MOVE_LEADER, cluster.bootstrap, topic, String(partition), replicas.join(',')],
      { timeout: 120_000 },
    );
    for (let waited = 0; (await leaderOf(partition)) !== to; waited += 100) {
      if (waited > 30_000) throw new Error(`partition ${partition} did not move to broker ${to}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 5,
    allowAutoTopicCreation: false,
    retry: { retries: 5, initialRetryTime: 100 },
  });
  await producer.connect();
  const acknowledged = [0, 0, 0];
  const send = async (tag: string) => {
    const messages: Message[] = [0, 1, 2].flatMap((partition) =>
      Array.from({ length: 10 }, (_, i) => ({ partition, value: `${tag}-p${partition}-${i}` })),
    );
    await producer.send({ topic, acks: -1, messages });
    for (const m of messages) acknowledged[m.partition ?? 0] = (acknowledged[m.partition ?? 0] ?? 0) + 1;
  };
  try {
    await send('warm-up'); // the producer now holds metadata with broker 2 leading partition 1
    for (let round = 0; round < 3; round++) {
      await moveLeader(1, 1); // to the leader of partition 0
      await send(`moved-${round}`);
      await moveLeader(1, 2);
      await send(`back-${round}`);
    }
  } finally {
    await producer.disconnect();
  }
  // An idempotent producer on one topic: each partition's end offset is the number of records in its log.
  const offsets = await admin.fetchTopicOffsets(topic);
  const inLog = [0, 1, 2].map((partition) => Number(offsets.find((o) => o.partition === partition)?.high));
  await admin.deleteTopics({ topics: [topic] });
  await admin.disconnect();
  expect(inLog).toEqual(acknowledged);
}, 300_000);
