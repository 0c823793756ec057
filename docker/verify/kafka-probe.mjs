#!/usr/bin/env node
// Test traffic for a processor under verification, on private topics so nobody else's data is touched:
//   node docker/verify/kafka-probe.mjs setup    <prefix>                    create <prefix>-in/-out/-dlq (3 partitions)
//   node docker/verify/kafka-probe.mjs produce  <prefix> <valid> <invalid>  write login events to <prefix>-in
//   node docker/verify/kafka-probe.mjs expect   <prefix> <valid> <invalid> [timeoutMs]
//        wait until <prefix>-out holds <valid> records and <prefix>-dlq <invalid>; check no raw PII in the output
//   node docker/verify/kafka-probe.mjs teardown <prefix>                    delete the topics
// Brokers: KAFKA_BROKERS (default 127.0.0.1:9092).
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { withConnected } from '../../tools/kafka/kafka.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { Kafka, logLevel } = createRequire(path.join(repoRoot, 'package.json'))('kafkajs');
const kafka = new Kafka({
  clientId: 'docker-verify-probe',
  brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
  logLevel: logLevel.NOTHING,
});
const [command, prefix, a, b, c] = process.argv.slice(2);
if (!command || !prefix) {
  process.stderr.write('usage: kafka-probe.mjs setup|produce|expect|teardown <prefix> …\n');
  process.exit(2);
}
const topics = { input: `${prefix}-in`, output: `${prefix}-out`, dlq: `${prefix}-dlq` };
const say = (m) => process.stderr.write(`[probe] ${m}\n`);

// A distinctive raw device_id and IP: the output must never contain them.
const RAW_DEVICE_ID = 'verify-device-593-47-5928';
const RAW_IP = '199.172.111.135';
function validEvent(i) {
  return {
    user_id: randomUUID(),
    app_version: `2.${i % 4}.0`,
    device_type: ['android', 'iOS', 'web'][i % 3],
    ip: RAW_IP,
    locale: ['RU', 'en-US', 'DE'][i % 3],
    device_id: RAW_DEVICE_ID,
    timestamp: String(Math.floor(Date.now() / 1000)),
  };
}
const INVALID = [
  '{not json',
  '[]',
  JSON.stringify({ user_id: 'not-a-uuid', app_version: 'x' }),
  JSON.stringify({ ...validEvent(0), ip: '10.0.0.1/24' }),
];

const withAdmin = (fn) => withConnected(kafka.admin(), fn);

async function countUntil(topic, wanted, deadline, inspect) {
  const consumer = kafka.consumer({ groupId: `${prefix}-probe-${topic}-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let count = 0;
  await consumer.run({
    eachMessage: async ({ message }) => {
      count += 1;
      inspect?.(message);
    },
  });
  while (count < wanted && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
  await new Promise((r) => setTimeout(r, 1000)); // anything beyond the expected count shows up too
  await consumer.disconnect();
  return count;
}

if (command === 'setup') {
  await withAdmin((admin) =>
    admin.createTopics({
      waitForLeaders: true,
      topics: Object.values(topics).map((topic) => ({ topic, numPartitions: 3, replicationFactor: 1 })),
    }),
  );
  say(`created ${Object.values(topics).join(', ')}`);
} else if (command === 'produce') {
  const valid = Number(a);
  const invalid = Number(b);
  const producer = kafka.producer();
  await producer.connect();
  const messages = [];
  for (let i = 0; i < valid; i += 1) {
    const event = validEvent(i);
    messages.push({ key: event.user_id, value: JSON.stringify(event) });
  }
  for (let i = 0; i < invalid; i += 1) messages.push({ key: `bad-${i}`, value: INVALID[i % INVALID.length] });
  await producer.send({ topic: topics.input, acks: -1, messages });
  await producer.disconnect();
  say(`produced ${valid} valid and ${invalid} invalid events to ${topics.input}`);
} else if (command === 'expect') {
  const valid = Number(a);
  const invalid = Number(b);
  const deadline = Date.now() + Number(c ?? 60_000);
  const leaks = [];
  const out = await countUntil(topics.output, valid, deadline, (m) => {
    const text = m.value?.toString('utf8') ?? '';
    if (text.includes(RAW_DEVICE_ID) || text.includes(RAW_IP)) leaks.push(text);
  });
  const dlq = await countUntil(topics.dlq, invalid, deadline);
  say(
    `${topics.output}: ${out} records (want ${valid}); ${topics.dlq}: ${dlq} records (want ${invalid}); raw PII in output: ${leaks.length}`,
  );
  if (out < valid || dlq < invalid || leaks.length > 0) process.exit(1);
} else if (command === 'teardown') {
  await withAdmin((admin) => admin.deleteTopics({ topics: Object.values(topics) })).catch((e) =>
    say(`teardown: ${e.message}`),
  );
  say(`deleted ${Object.values(topics).join(', ')}`);
} else {
  process.stderr.write(`unknown command ${command}\n`);
  process.exit(2);
}
