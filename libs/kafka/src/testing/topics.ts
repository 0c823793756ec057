import { randomBytes } from 'node:crypto';
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
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions, configEntries }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
  created.push(topic);
  return topic;
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
