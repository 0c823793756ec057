// Tests of the local-Kafka tool itself, on private ports and a private run dir so they never touch the broker
// that other tests share. Run by `npm test` (node --test tools/).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { formatStatus, kafkaUuid, resolveBasePort } from './kafka.mjs';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const tool = path.join(here, 'kafka.mjs');
const { ConfigResourceTypes, Kafka, logLevel } = createRequire(import.meta.url)('kafkajs');

/** The environment without the settings that choose a broker: each test sets its own. */
function cleanEnv(extra) {
  const { LOCAL_KAFKA_PORT, LOCAL_KAFKA_RUN_DIR, KAFKA_BROKERS, ...rest } = process.env;
  return { ...rest, LOCAL_KAFKA_HEAP: '512m', ...extra };
}

/** The tool on a private port and run dir: `via: 'brokers'` passes the port as KAFKA_BROKERS instead of LOCAL_KAFKA_PORT. */
function privateKafka(port, { via = 'port' } = {}) {
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-kafka-test-'));
  const portSetting = via === 'port' ? { LOCAL_KAFKA_PORT: String(port) } : { KAFKA_BROKERS: `127.0.0.1:${port}` };
  const env = cleanEnv({ ...portSetting, LOCAL_KAFKA_RUN_DIR: runDir });
  const kafka = (...args) => run(process.execPath, [tool, ...args], { env, timeout: 240_000 });
  return { runDir, kafka };
}

/** Runs the tool expecting failure; returns its exit code and stderr. */
async function failure(env, ...args) {
  try {
    await run(process.execPath, [tool, ...args], { env, timeout: 120_000 });
  } catch (err) {
    return { code: err.code, stderr: err.stderr };
  }
  throw new Error(`kafka ${args.join(' ')} succeeded`);
}

describe('kafkaUuid', () => {
  test('never starts with "-" (kafka-storage would read `--cluster-id -…` as an option), over many draws', () => {
    // Without the guard 1 draw in 64 starts with '-': 20 000 draws all passing by chance has probability ~1e-137.
    for (let i = 0; i < 20_000; i++) {
      const id = kafkaUuid();
      assert.match(id, /^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
    }
  });

  test('draws again when the base64 would start with "-", and makes a version-4 UUID like Kafka', () => {
    const draws = [Buffer.alloc(16, 0xf8), Buffer.alloc(16, 0x00)]; // 0xf8… encodes as "-…"
    const id = kafkaUuid(() => draws.shift());
    assert.equal(draws.length, 0, 'the first draw was rejected');
    const bytes = Buffer.from(id, 'base64url');
    assert.equal(bytes.length, 16);
    assert.equal(bytes[6] >> 4, 4, 'version 4');
    assert.equal(bytes[8] >> 6, 2, 'IETF variant');
    assert.notEqual(bytes.readBigUInt64BE(0), 0n, 'never a reserved id (0, 1, directory ids below 100)');
  });
});

describe('resolveBasePort', () => {
  test('LOCAL_KAFKA_PORT wins; else a loopback KAFKA_BROKERS; else 9092', () => {
    assert.equal(resolveBasePort({}), 9092);
    assert.equal(resolveBasePort({ KAFKA_BROKERS: '127.0.0.1:19092' }), 19092);
    assert.equal(resolveBasePort({ KAFKA_BROKERS: 'localhost:19093,localhost:19094' }), 19093);
    assert.equal(
      resolveBasePort({ KAFKA_BROKERS: 'kafka-0:9093' }),
      9092,
      'not this machine: the tool runs its broker on 9092',
    );
    assert.equal(resolveBasePort({ KAFKA_BROKERS: '127.0.0.1:19092', LOCAL_KAFKA_PORT: '19500' }), 19500);
    assert.throws(() => resolveBasePort({ LOCAL_KAFKA_PORT: 'abc' }), /LOCAL_KAFKA_PORT must be a port number/);
  });
});

test('formatStatus lists each node with pid and state', () => {
  const text = formatStatus({
    running: false,
    bootstrap: '127.0.0.1:1,127.0.0.1:2',
    runDir: '/x',
    nodes: [
      { id: 1, port: 1, pid: 42, up: true },
      { id: 2, port: 2, pid: undefined, up: false },
    ],
  });
  assert.equal(
    text,
    [
      'degraded: 1 of 2 nodes up',
      'node 1  up        pid 42      127.0.0.1:1',
      'node 2  down      -           127.0.0.1:2',
    ].join('\n'),
  );
});

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

/** Exited: no such pid, or a zombie (this machine's init may reap late). */
function processGone(pid) {
  try {
    return /^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

/** Polls until the cluster lists exactly `ids` as live brokers (a generous 60 s bound: it takes ~10 s). */
async function waitForBrokers(brokers, ids) {
  const admin = new Kafka({ clientId: 'tool-test', brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const listed = (await admin.describeCluster()).brokers.map((b) => b.nodeId).sort();
      if (JSON.stringify(listed) === JSON.stringify(ids)) return;
      if (Date.now() > deadline) throw new Error(`the cluster still lists brokers ${listed}, not ${ids}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    await admin.disconnect();
  }
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
  await producer.send({
    topic,
    acks: -1,
    messages: Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })),
  });
  await producer.disconnect();
  const consumer = client.consumer({ groupId: `g-${topic}` });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  let seen = 0;
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${seen} of 30 records consumed`)), 30_000);
    consumer
      .run({
        eachMessage: async () => {
          if (++seen === 30) {
            clearTimeout(timer);
            resolve();
          }
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return meta.topics[0].partitions.map((p) => p.replicas.length);
}

describe('tools/kafka single node', { timeout: 300_000 }, () => {
  // The port comes from KAFKA_BROKERS (loopback): enough for the tool to run the broker there.
  const { runDir, kafka } = privateKafka(19292, { via: 'brokers' });
  after(async () => {
    await kafka('down', '--purge').catch((err) => {
      // Cleanup only: a test that failed may have left nothing to stop; the run dir goes next either way.
      process.stderr.write(`cleanup: kafka down failed: ${err.message}\n`);
    });
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
    assert.deepEqual(topics.map((t) => t.topic).sort(), [
      'processed-user-login',
      'user-login',
      'user-login-dlq',
      'user-login-dlq-parked',
    ]);
    assert.ok(topics.every((t) => t.partitions === 3 && t.created));
    const again = JSON.parse((await kafka('topics', '--brokers', first.bootstrap, '--json')).stdout);
    assert.ok(
      again.every((t) => !t.created),
      'rerunning topic setup is harmless',
    );
    assert.deepEqual(
      await maxMessageBytes(first.bootstrap, ['user-login', 'user-login-dlq', 'user-login-dlq-parked']),
      {
        'user-login': '1048588',
        'user-login-dlq': '2097152',
        'user-login-dlq-parked': '2097152',
      },
      'dead letters (input + headers) fit the DLQ topics',
    );

    await kafka('down');
    assert.deepEqual(ourJavaPids(runDir), [], 'down leaves no Java process of ours');
    await assert.rejects(kafka('status'), 'status exits non-zero when nothing runs');

    const third = JSON.parse((await kafka('up', '--json')).stdout);
    assert.equal(third.started, true);
    const kept = JSON.parse((await kafka('topics', '--brokers', third.bootstrap, '--json')).stdout);
    assert.ok(
      kept.every((t) => !t.created),
      'data (topics) survives down/up',
    );
    assert.deepEqual(await roundTrip(third.bootstrap, { replicationFactor: 1 }), [1, 1, 1]);
  });

  test('a taken port or a broker we did not start is one sentence, exit 1, no stack trace', async () => {
    const otherDir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-kafka-test-'));
    const server = net.createServer();
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      await kafka('up');
      const foreign = await failure(
        cleanEnv({ KAFKA_BROKERS: '127.0.0.1:19292', LOCAL_KAFKA_RUN_DIR: otherDir }),
        'up',
      );
      assert.equal(foreign.code, 1);
      assert.match(
        foreign.stderr,
        /^kafka: a Kafka broker not started by this tool .* already answers at 127\.0\.0\.1:19292: use it as it is/,
      );
      assert.equal(foreign.stderr.trim().split('\n').length, 1, foreign.stderr);

      const taken = await failure(
        cleanEnv({ KAFKA_BROKERS: `localhost:${server.address().port}`, LOCAL_KAFKA_RUN_DIR: otherDir }),
        'up',
      );
      assert.equal(taken.code, 1);
      assert.equal(
        taken.stderr,
        `kafka: port ${server.address().port} (broker port of node 1) is taken by another program: free it or choose another port with LOCAL_KAFKA_PORT\n`,
      );
    } finally {
      server.close();
      fs.rmSync(otherDir, { recursive: true, force: true });
    }
  });

  test('probe exits 0 where a broker answers, 1 where none does (another program, nothing listening)', async () => {
    await kafka('up');
    assert.deepEqual(JSON.parse((await kafka('probe', '127.0.0.1:19292', '--json')).stdout), { answers: true });
    const server = net.createServer((socket) => socket.end());
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const notKafka = await failure(cleanEnv({}), 'probe', `127.0.0.1:${server.address().port}`);
      assert.equal(notKafka.code, 1);
    } finally {
      server.close();
    }
    assert.equal((await failure(cleanEnv({}), 'probe', '127.0.0.1:1')).code, 1);
  });

  test('bad arguments exit 2 with a message', async () => {
    await assert.rejects(kafka('probe'), (err) => err.code === 2 && /probe needs one argument/.test(err.stderr));
    await assert.rejects(
      kafka('up', '--brokers', '2'),
      (err) => err.code === 2 && /--brokers must be 1 or 3/.test(err.stderr),
    );
    await assert.rejects(kafka('frobnicate'), (err) => err.code === 2 && /unknown command/.test(err.stderr));
  });
});

describe('tools/kafka three brokers', { timeout: 300_000 }, () => {
  const { runDir, kafka } = privateKafka(19392);
  after(async () => {
    await kafka('down', '--purge').catch((err) => {
      // Cleanup only: a test that failed may have left nothing to stop; the run dir goes next either way.
      process.stderr.write(`cleanup: kafka down failed: ${err.message}\n`);
    });
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

  test('node stop/kill/start: one node leaves and comes back into the ISR while the others serve', async () => {
    const { bootstrap } = JSON.parse((await kafka('up', '--brokers', '3', '--json')).stdout);
    const status = async () => {
      try {
        return { code: 0, ...JSON.parse((await kafka('status', '--json')).stdout) };
      } catch (err) {
        return { code: err.code, ...JSON.parse(err.stdout) };
      }
    };
    const before = await status();
    assert.equal(before.code, 0);
    assert.deepEqual(
      before.nodes.map((n) => [n.id, n.up]),
      [
        [1, true],
        [2, true],
        [3, true],
      ],
    );

    for (const action of ['stop', 'kill']) {
      const stopped = JSON.parse((await kafka('node', action, '2', '--json')).stdout);
      assert.equal(stopped.stopped, true);
      assert.equal(stopped.signal, action === 'stop' ? 'SIGTERM' : 'SIGKILL');
      assert.ok(processGone(stopped.pid), 'the process is gone when the command returns');
      const degraded = await status();
      assert.equal(degraded.code, 1, 'status exits non-zero with a node down');
      assert.deepEqual(
        degraded.nodes.map((n) => [n.id, n.up]),
        [
          [1, true],
          [2, false],
          [3, true],
        ],
      );
      // A killed node stays registered until its session times out (broker.session.timeout.ms, 9 s); a stopped one
      // leaves at once. Until then clients are sent to it.
      const live = '127.0.0.1:19392,127.0.0.1:19394';
      await waitForBrokers(live, [1, 3]);
      // Replication factor 3, min.insync.replicas 2: the two others keep taking acks=all writes.
      // (kafkajs gives up when the seed broker it picks refuses the connection: the bootstrap names the live two.)
      assert.deepEqual(await roundTrip(live, { replicationFactor: 2 }), [2, 2, 2]);

      const started = JSON.parse((await kafka('node', 'start', '2', '--json')).stdout);
      assert.equal(started.started, true);
      // Back in the cluster: listed as a live broker and in the ISR of every partition it replicates.
      const admin = new Kafka({
        clientId: 'tool-test',
        brokers: bootstrap.split(','),
        logLevel: logLevel.NOTHING,
      }).admin();
      await admin.connect();
      try {
        assert.deepEqual((await admin.describeCluster()).brokers.map((b) => b.nodeId).sort(), [1, 2, 3]);
        const topics = await admin.listTopics();
        const { topics: described } = await admin.fetchTopicMetadata({ topics });
        const outOfIsr = described.flatMap((t) =>
          t.partitions
            .filter((p) => p.replicas.includes(2) && !p.isr.includes(2))
            .map((p) => `${t.name}/${p.partitionId}`),
        );
        assert.deepEqual(outOfIsr, []);
      } finally {
        await admin.disconnect();
      }
      assert.equal((await status()).code, 0);
    }
    const again = JSON.parse((await kafka('node', 'start', '2', '--json')).stdout);
    assert.equal(again.started, false, 'starting a running node does nothing');
    await assert.rejects(kafka('node', 'stop', '4'), (err) => err.code === 2 && /no node 4/.test(err.stderr));
    await kafka('down');
    assert.deepEqual(ourJavaPids(runDir), []);
  });
});
