import { randomBytes } from 'node:crypto';
import type { Admin } from 'kafkajs';
import { testKafka } from './broker';

const created: string[] = [];

/** A topic name no other test uses: `<prefix>-<random>`. */
export function uniqueName(prefix = 'test'): string {
  return `${prefix}-${randomBytes(6).toString('hex')}`;
}

/**
 * Creates a fresh topic and remembers it for `deleteTestTopics()`. `config` sets topic configs, e.g.
 * `{ 'max.message.bytes': '200000' }`.
 */
export async function createTestTopic(
  prefix = 'test',
  { partitions = 1, config = {} }: { partitions?: number; config?: Readonly<Record<string, string>> } = {},
): Promise<string> {
  const topic = uniqueName(prefix);
  const admin = testKafka('test-admin').admin();
  await admin.connect();
  try {
    const configEntries = Object.entries(config).map(([name, value]) => ({ name, value }));
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions, configEntries }], waitForLeaders: false });
    await waitForLeaders(admin, topic, partitions);
  } finally {
    await admin.disconnect();
  }
  created.push(topic);
  return topic;
}

/** A consume-transform-produce test's fixture: fresh input and output topics of `partitions`, and a fresh group. */
export async function createPipelineTopics(
  prefix: string,
  partitions: number,
): Promise<{ input: string; output: string; group: string }> {
  const input = await createTestTopic(`${prefix}-in`, { partitions });
  const output = await createTestTopic(`${prefix}-out`, { partitions });
  return { input, output, group: uniqueName(prefix) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Until every partition of a new topic has a leader. kafkajs's own `waitForLeaders` gives up when a broker answers
 * "This server does not host this topic-partition", which a busy three-broker cluster does for a while after a
 * topic is created: here that answer means "not yet".
 */
async function waitForLeaders(admin: Admin, topic: string, partitions: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      const led = topics[0]?.partitions.filter((p) => p.leader >= 0).length ?? 0;
      if (led === partitions) return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
    if (Date.now() > deadline)
      throw new Error(`topic ${topic}: not every partition has a leader after ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** Registers a topic created some other way (e.g. by the code under test) for `deleteTestTopics()`. */
export function trackTestTopic(topic: string): void {
  created.push(topic);
}

/** Deletes the topics this test file created; call it from `afterAll`. */
export async function deleteTestTopics(): Promise<void> {
  if (created.length === 0) return;
  const admin = testKafka('test-admin').admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: created.splice(0) });
  } finally {
    await admin.disconnect();
  }
}
