// The pipeline's topics, created with the configs the apps expect.
import fs from 'node:fs';
import path from 'node:path';
import { loadKafkaJs, quietLogCreator } from './probe.mjs';
import { toolDir } from './settings.mjs';

const DLQ_TOPIC_CONFIG = JSON.parse(
  fs.readFileSync(path.join(toolDir, '../../libs/kafka/src/topic-configs.json'), 'utf8'),
).deadLetter;

/** The pipeline's topics, by the same names the apps' configs default to (libs/event-schema/src/topics.json). */
const TOPIC_NAMES = JSON.parse(fs.readFileSync(path.join(toolDir, '../../libs/event-schema/src/topics.json'), 'utf8'));
export const TOPICS = [TOPIC_NAMES.input, TOPIC_NAMES.output, TOPIC_NAMES.dlq, TOPIC_NAMES.parked];
/** Per-topic configs: dead letters are their input plus headers, so the DLQ topics take larger records (libs/kafka). */
export const TOPIC_CONFIGS = Object.freeze({
  [TOPIC_NAMES.dlq]: DLQ_TOPIC_CONFIG,
  [TOPIC_NAMES.parked]: DLQ_TOPIC_CONFIG,
});

export async function createTopics({ brokers, partitions = 3, replicationFactor, topics = TOPICS }) {
  const { Kafka, logLevel } = await loadKafkaJs();
  const kafka = new Kafka({
    clientId: 'kafka-topics',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
    logCreator: quietLogCreator,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const meta = await admin.describeCluster();
    const rf = replicationFactor ?? Math.min(3, meta.brokers.length);
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length) {
      const configEntries = (topic) =>
        Object.entries(TOPIC_CONFIGS[topic] ?? {}).map(([name, value]) => ({ name, value }));
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({
          topic,
          numPartitions: partitions,
          replicationFactor: rf,
          configEntries: configEntries(topic),
        })),
      });
    }
    const described = await admin.fetchTopicMetadata({ topics });
    return described.topics.map((t) => ({
      topic: t.name,
      partitions: t.partitions.length,
      created: missing.includes(t.name),
    }));
  } finally {
    await admin.disconnect();
  }
}
