// Probing: is a port open, does a broker answer, can a record round-trip; the quiet kafkajs clients behind them.
import net from 'node:net';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { repoRoot } from './settings.mjs';

export function portOpen(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

export async function loadKafkaJs() {
  const { createRequire } = await import('node:module');
  const require = createRequire(path.join(repoRoot, 'package.json'));
  try {
    return require('kafkajs');
  } catch {
    throw new Error('kafkajs is not installed: run `npm ci` first');
  }
}

export const quietLogCreator = () => () => {};

/** Round-trips one record through a probe topic: the broker is usable only when this succeeds. */
export async function probe(brokers, { timeoutMs = 10_000, replicationFactor = 1 } = {}) {
  const { Kafka, logLevel } = await loadKafkaJs();
  const kafka = new Kafka({
    clientId: 'kafka-up-probe',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
    logCreator: quietLogCreator,
    connectionTimeout: 2000,
    requestTimeout: Math.max(5000, timeoutMs),
    retry: { retries: 2, initialRetryTime: 200 },
  });
  const topic = '__local_kafka_probe';
  const admin = kafka.admin();
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  const consumer = kafka.consumer({ groupId: `__local_kafka_probe_${process.pid}_${Date.now()}` });
  try {
    await admin.connect();
    const existing = await admin.listTopics();
    if (!existing.includes(topic)) {
      await admin
        .createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor }], waitForLeaders: true })
        .catch((err) => {
          if (!/already exists/i.test(String(err?.message))) throw err;
        });
    }
    const marker = `probe-${randomBytes(6).toString('hex')}`;
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: [{ value: marker }] });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('probe record not consumed in time')), timeoutMs);
      consumer
        .run({
          eachMessage: async ({ message }) => {
            if (message.value?.toString() === marker) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
    return true;
  } finally {
    await Promise.allSettled([consumer.disconnect(), producer.disconnect(), admin.disconnect()]);
  }
}

/**
 * True when a Kafka broker answers a metadata request at `brokers` (comma-separated) within a few seconds. The one
 * broker probe of the repository: the Jest global setup asks it through `kafka.mjs probe`.
 */
export async function brokerAnswers(brokers) {
  try {
    await withAdmin(brokers, (admin) => admin.describeCluster());
    return true;
  } catch {
    return false; // no answer (refused, timed out, not Kafka) is the answer
  }
}

export async function answers(brokers) {
  try {
    return await probe(brokers, { timeoutMs: 8000 });
  } catch {
    return false;
  }
}

function quietAdmin(Kafka, logLevel, brokers) {
  return new Kafka({
    clientId: 'kafka-node-probe',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
    logCreator: quietLogCreator,
    connectionTimeout: 2000,
    requestTimeout: 5000,
    // A failure means "not yet": the caller polls.
    retry: { retries: 0 },
  }).admin();
}

export async function withAdmin(brokers, fn) {
  const { Kafka, logLevel } = await loadKafkaJs();
  return withConnected(quietAdmin(Kafka, logLevel, brokers), fn);
}

/** Connects a kafkajs client (admin, producer, consumer), runs `fn` with it, and disconnects it whatever happened. */
export async function withConnected(client, fn) {
  try {
    await client.connect();
    return await fn(client);
  } finally {
    await client.disconnect().catch(() => {
      // The answer (or the error that matters) is already in hand; a client that never connected has nothing to close.
    });
  }
}
