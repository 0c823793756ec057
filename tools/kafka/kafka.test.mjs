// Tests of the local-Kafka tool itself, on private ports and a private run dir so they never touch the broker
// that other tests share. Run by `npm test` (node --test tools/).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const tool = path.join(here, 'kafka.mjs');
const { ConfigResourceTypes, Kafka, logLevel } = createRequire(import.meta.url)('kafkajs');

function privateKafka(port) {
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-kafka-test-'));
  const env = { ...process.env, LOCAL_KAFKA_PORT: String(port), LOCAL_KAFKA_RUN_DIR: runDir, LOCAL_KAFKA_HEAP: '512m' };
  const kafka = (...args) => run(process.execPath, [tool, ...args], { env, timeout: 240_000 });
  return { runDir, kafka };
}

function ourJavaPids(runDir) {
  return fs
    .readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((pid) => {
      try {
        return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(`-Dlocal.kafka.run.dir=${runDir}`);
      } catch {
        return false;
      }
    });
}

async function maxMessageBytes(brokers, topics) {
  const admin = new Kafka({ clientId: 'tool-test', brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['max.message.bytes'] })),
    });
    return Object.fromEntries(resources.map((r) => [r.resourceName, r.configEntries[0]?.configValue]));
  } finally {
    await admin.disconnect();
  }
}

async function roundTrip(brokers, { replicationFactor }) {
  const client = new Kafka({ clientId: 'tool-test', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const topic = `rf${replicationFactor}-${Date.now()}`;
  const admin = client.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor }], waitForLeaders: true });
  const meta = await admin.fetchTopicMetadata({ topics: [topic] });
  await admin.disconnect();
  const producer = client.producer();
  await producer.connect();
  await producer.send({ topic, acks: -1, messages: Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })) });
  await producer.disconnect();
  const consumer = client.consumer({ groupId: `g-${topic}` });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  let seen = 0;
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${seen} of 30 records consumed`)), 30_000);
    consumer.run({ eachMessage: async () => { if (++seen === 30) { clearTimeout(timer); resolve(); } } }).catch(reject);
  });
  await consumer.disconnect();
  return meta.topics[0].partitions.map((p) => p.replicas.length);
}

describe('tools/kafka single node', { timeout: 300_000 }, () => {
  const { runDir, kafka } = privateKafka(19292);
  after(async () => {
    await kafka('down', '--purge').catch(() => undefined);
    fs.rmSync(runDir, { recursive: true, force: true });
  });

  test('up is idempotent, down stops exactly our process, a second up after down works', async () => {
    const first = JSON.parse((await kafka('up', '--json')).stdout);
    assert.equal(first.bootstrap, '127.0.0.1:19292');
    assert.equal(first.started, true);
    const second = JSON.parse((await kafka('up', '--json')).stdout);
    assert.equal(second.started, false, 'a second up reuses the running broker');
    assert.equal(ourJavaPids(runDir).length, 1);

    const topics = JSON.parse((await kafka('topics', '--brokers', first.bootstrap, '--json')).stdout);
    assert.deepEqual(topics.map((t) => t.topic).sort(), ['processed-user-login', 'user-login', 'user-login-dlq', 'user-login-dlq-parked']);
    assert.ok(topics.every((t) => t.partitions === 3 && t.created));
    const again = JSON.parse((await kafka('topics', '--brokers', first.bootstrap, '--json')).stdout);
    assert.ok(again.every((t) => !t.created), 'rerunning topic setup is harmless');
    assert.deepEqual(await maxMessageBytes(first.bootstrap, ['user-login', 'user-login-dlq', 'user-login-dlq-parked']), {
      'user-login': '1048588',
      'user-login-dlq': '2097152',
      'user-login-dlq-parked': '2097152',
    }, 'dead letters (input + headers) fit the DLQ topics');

    await kafka('down');
    assert.deepEqual(ourJavaPids(runDir), [], 'down leaves no Java process of ours');
    await assert.rejects(kafka('status'), 'status exits non-zero when nothing runs');

    const third = JSON.parse((await kafka('up', '--json')).stdout);
    assert.equal(third.started, true);
    const kept = JSON.parse((await kafka('topics', '--brokers', third.bootstrap, '--json')).stdout);
    assert.ok(kept.every((t) => !t.created), 'data (topics) survives down/up');
    assert.deepEqual(await roundTrip(third.bootstrap, { replicationFactor: 1 }), [1, 1, 1]);
  });

  test('bad arguments exit 2 with a message', async () => {
    await assert.rejects(kafka('up', '--brokers', '2'), (err) => err.code === 2 && /--brokers must be 1 or 3/.test(err.stderr));
    await assert.rejects(kafka('frobnicate'), (err) => err.code === 2 && /unknown command/.test(err.stderr));
  });
});

describe('tools/kafka three brokers', { timeout: 300_000 }, () => {
  const { runDir, kafka } = privateKafka(19392);
  after(async () => {
    await kafka('down', '--purge').catch(() => undefined);
    fs.rmSync(runDir, { recursive: true, force: true });
  });

  test('--brokers 3 starts three KRaft voters where a replication-factor-3 topic works', async () => {
    const res = JSON.parse((await kafka('up', '--brokers', '3', '--json')).stdout);
    assert.equal(res.bootstrap, '127.0.0.1:19392,127.0.0.1:19393,127.0.0.1:19394');
    assert.equal(ourJavaPids(runDir).length, 3);
    assert.deepEqual(await roundTrip(res.bootstrap, { replicationFactor: 3 }), [3, 3, 3]);
    await kafka('down');
    assert.deepEqual(ourJavaPids(runDir), []);
  });
});
