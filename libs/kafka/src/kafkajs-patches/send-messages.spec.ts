// kafkajs's own sendMessages (as patched by patches/kafkajs+2.2.4+002+send-messages-per-partition-acks.patch),
// driven against a fake cluster: which request reaches which broker, and what the send resolves with, when a leader
// moves in the middle of a send. Without the patch these tests fail: kafkajs 2.2.4 kept its responses per broker
// across retries (upstream issue #1303) and resolved a send whose moved partition it never sent.
import fs from 'node:fs';
import path from 'node:path';

const kafkajsSrc = path.join(path.dirname(require.resolve('kafkajs/package.json')), 'src');
type SendMessages = (args: {
  acks: number;
  timeout: number;
  compression: number;
  topicMessages: Array<{ topic: string; messages: Message[] }>;
}) => Promise<Ack[]>;
const createSendMessages = require(path.join(kafkajsSrc, 'producer/sendMessages')) as (deps: object) => SendMessages;
const createRetry = require(path.join(kafkajsSrc, 'retry')) as (opts: object) => unknown;

interface Message {
  readonly key: string;
  readonly value: string;
  readonly partition: number;
}
interface Ack {
  readonly topicName: string;
  readonly partition: number;
  readonly errorCode: number;
}
interface ProduceCall {
  readonly broker: number;
  readonly partitions: Array<{ topic: string; partition: number; values: string[]; firstSequence: number }>;
}

const PATCH_HINT = 'kafkajs is not patched: run `npm ci` (its postinstall runs patch-package with patches/)';

/**
 * A cluster of brokers 1..3 serving topic `t`. `leaders` maps partition → broker; `onRefresh` runs at every metadata
 * refresh (where a test moves a leader, as a broker failure does). Each broker's produce behaviour is scripted.
 */
function fakeCluster(leaders: Map<number, number>, onRefresh: () => void = () => undefined) {
  const calls: ProduceCall[] = [];
  const failNext = new Map<number, number>();
  /** The name of the error a broker's scripted failures throw (default: a connection error). */
  const failAs = new Map<number, string>();
  const delay = new Map<number, number>();
  const brokers = new Map<number, object>();
  const sequences = new Map<string, number>();
  const broker = (nodeId: number) => {
    let b = brokers.get(nodeId);
    if (!b) {
      b = {
        nodeId,
        async produce({
          topicData,
        }: {
          topicData: Array<{
            topic: string;
            partitions: Array<{ partition: number; messages: Message[]; firstSequence: number }>;
          }>;
        }) {
          const call: ProduceCall = {
            broker: nodeId,
            partitions: topicData.flatMap((t) =>
              t.partitions.map((p) => ({
                topic: t.topic,
                partition: p.partition,
                values: p.messages.map((m) => m.value),
                firstSequence: p.firstSequence,
              })),
            ),
          };
          calls.push(call);
          await new Promise((r) => setTimeout(r, delay.get(nodeId) ?? 0));
          const failures = failNext.get(nodeId) ?? 0;
          if (failures > 0) {
            failNext.set(nodeId, failures - 1);
            throw Object.assign(new Error(`broker ${nodeId} failed`), {
              name: failAs.get(nodeId) ?? 'KafkaJSConnectionError',
              retriable: true,
            });
          }
          return {
            topics: topicData.map((t) => ({
              topicName: t.topic,
              partitions: t.partitions.map((p) => ({
                partition: p.partition,
                errorCode: 0,
                baseOffset: '0',
                logAppendTime: '-1',
                logStartOffset: '0',
              })),
            })),
          };
        },
      };
      brokers.set(nodeId, b);
    }
    return b;
  };
  const cluster = {
    targetTopics: new Set<string>(),
    addMultipleTargetTopics: async () => undefined,
    refreshMetadataIfNecessary: async () => undefined,
    async refreshMetadata() {
      onRefresh();
    },
    isConnected: () => true,
    connect: async () => undefined,
    removeBroker: () => undefined,
    findTopicPartitionMetadata: () =>
      [...leaders].map(([partitionId, leader]) => ({
        partitionId,
        leader,
        partitionErrorCode: 0,
        replicas: [1, 2, 3],
        isr: [1, 2, 3],
      })),
    findLeaderForPartitions(_topic: string, partitions: Array<string | number>) {
      const result: Record<string, number[]> = {};
      for (const p of partitions) {
        const leader = leaders.get(Number(p));
        if (leader === undefined) continue;
        (result[leader] ??= []).push(Number(p));
      }
      return result;
    },
    async findBroker({ nodeId }: { nodeId: string | number }) {
      return broker(Number(nodeId));
    },
  };
  const locks = new Map<object, Promise<void>>();
  const eosManager = {
    isTransactional: () => false,
    getTransactionalId: () => undefined,
    getProducerId: () => 1,
    getProducerEpoch: () => 0,
    getSequence: (topic: string, partition: number) => sequences.get(`${topic}/${partition}`) ?? 0,
    updateSequence: (topic: string, partition: number, n: number) =>
      sequences.set(`${topic}/${partition}`, (sequences.get(`${topic}/${partition}`) ?? 0) + n),
    async acquireBrokerLock(b: object) {
      while (locks.has(b)) await locks.get(b);
      let release: () => void = () => undefined;
      locks.set(b, new Promise<void>((r) => (release = r)));
      (b as { release?: () => void }).release = release;
    },
    async releaseBrokerLock(b: object) {
      locks.delete(b);
      (b as { release?: () => void }).release?.();
    },
  };
  const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
  const sendMessages = createSendMessages({
    logger: quiet,
    cluster,
    partitioner: ({ message }: { message: Message }) => message.partition,
    eosManager,
    retrier: createRetry({ retries: 5, initialRetryTime: 1, maxRetryTime: 5, factor: 0, multiplier: 1 }),
  });
  const messages = (partitions: number[], perPartition = 2): Message[] =>
    partitions.flatMap((p) =>
      Array.from({ length: perPartition }, (_, i) => ({ key: `k${p}`, value: `p${p}-${i}`, partition: p })),
    );
  const send = (partitions: number[]) =>
    sendMessages({
      acks: -1,
      timeout: 1000,
      compression: 0,
      topicMessages: [{ topic: 't', messages: messages(partitions) }],
    });
  return { calls, failNext, failAs, delay, send, sequences };
}

const acked = (acks: Ack[]) => acks.map((a) => a.partition).sort();

describe('kafkajs sendMessages (patched)', () => {
  it('is the patched one', () => {
    const source = fs.readFileSync(path.join(kafkajsSrc, 'producer/sendMessages.js'), 'utf8');
    if (!source.includes('login-pipeline patch')) throw new Error(PATCH_HINT);
  });

  it('sends a partition whose request failed to its new leader even when that broker already answered another part of the send (#1303)', async () => {
    // p0 on broker 1, p1 on broker 2. Broker 2 dies mid-send; after the metadata refresh p1 is led by broker 1.
    const leaders = new Map([
      [0, 1],
      [1, 2],
    ]);
    const c = fakeCluster(leaders, () => leaders.set(1, 1));
    c.failNext.set(2, 1);
    const acks = await c.send([0, 1]);
    expect(acked(acks)).toEqual([0, 1]);
    // The retry sent p1, and only p1, to broker 1.
    const retry = c.calls.slice(2);
    expect(retry.map((call) => [call.broker, call.partitions.map((p) => p.partition)])).toEqual([[1, [1]]]);
    expect(retry[0]?.partitions[0]?.values).toEqual(['p1-0', 'p1-1']);
  });

  it('looks the leader up again after a request to it timed out (patch 009), instead of asking it again', async () => {
    // A frozen leader: its request times out while the cluster moves p0 to broker 2.
    const leaders = new Map([[0, 1]]);
    const c = fakeCluster(leaders, () => leaders.set(0, 2));
    c.failNext.set(1, 1);
    c.failAs.set(1, 'KafkaJSRequestTimeoutError');
    const acks = await c.send([0]);
    expect(acked(acks)).toEqual([0]);
    expect(c.calls.map((call) => call.broker)).toEqual([1, 2]);
  });

  it('resends a failed batch with its own sequence numbers, so the broker can keep one copy of it', async () => {
    const leaders = new Map([
      [0, 1],
      [1, 2],
    ]);
    const c = fakeCluster(leaders, () => leaders.set(1, 3));
    c.failNext.set(2, 1);
    await c.send([0, 1]);
    const p1 = c.calls.flatMap((call) => call.partitions.filter((p) => p.partition === 1));
    expect(p1.map((p) => p.firstSequence)).toEqual([0, 0]);
    // The next send of p1 continues after the two records, exactly once counted.
    expect(c.sequences.get('t/1')).toBe(2);
  });

  it('never has a partition in two requests at once: an attempt settles completely before the next one', async () => {
    // Broker 2 fails at once while broker 1 is still answering slowly: kafkajs 2.2.4 retried at once, resending p0
    // (still unanswered) under new sequence numbers, a duplicate.
    const leaders = new Map([
      [0, 1],
      [1, 2],
    ]);
    const c = fakeCluster(leaders);
    c.failNext.set(2, 1);
    c.delay.set(1, 50);
    const acks = await c.send([0, 1]);
    expect(acked(acks)).toEqual([0, 1]);
    const p0Sends = c.calls.filter((call) => call.partitions.some((p) => p.partition === 0));
    expect(p0Sends).toHaveLength(1);
  });

  it('does not skip a partition whose leader the metadata does not name: it refreshes and sends it', async () => {
    const leaders = new Map([[0, 1]]);
    const c = fakeCluster(leaders, () => leaders.set(1, 2));
    const acks = await c.send([0, 1]);
    expect(acked(acks)).toEqual([0, 1]);
    expect(c.calls.some((call) => call.broker === 2 && call.partitions.some((p) => p.partition === 1))).toBe(true);
  });

  it('returns one acknowledgement per partition sent when nothing fails', async () => {
    const c = fakeCluster(
      new Map([
        [0, 1],
        [1, 2],
        [2, 3],
        [3, 1],
      ]),
    );
    expect(acked(await c.send([0, 1, 2, 3]))).toEqual([0, 1, 2, 3]);
    expect(c.calls).toHaveLength(3);
  });
});
