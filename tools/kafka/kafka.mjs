#!/usr/bin/env node
// A real Apache Kafka (KRaft) for development, tests, the benchmark and CI.
// Jars come from Maven Central (tools/kafka/pom.xml) into a cache outside git; data and logs live in
// tools/kafka/.run (ignored). Processes are tracked by pid file and stopped by pid, never by name.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const DLQ_TOPIC_CONFIG = JSON.parse(fs.readFileSync(path.join(here, '../../libs/kafka/src/topic-configs.json'), 'utf8')).deadLetter;
const repoRoot = path.resolve(here, '../..');
const runDir = process.env.LOCAL_KAFKA_RUN_DIR ?? path.join(here, '.run');
const stateFile = path.join(runDir, 'cluster.json');
const lockDir = path.join(runDir, 'lock');
const leaseDir = path.join(runDir, 'leases');
// Another base port and run dir give a private broker (e.g. for tests that stop and start it).
const BASE_PORT = Number(process.env.LOCAL_KAFKA_PORT ?? 9092);
const CONTROLLER_PORT_OFFSET = 10000;
const START_TIMEOUT_MS = Number(process.env.LOCAL_KAFKA_START_TIMEOUT_MS ?? 120_000);
const STOP_TIMEOUT_MS = 30_000;

export const TOPICS = ['user-login', 'processed-user-login', 'user-login-dlq', 'user-login-dlq-parked'];
/** Per-topic configs: dead letters are their input plus headers, so the DLQ topics take larger records (libs/kafka). */
export const TOPIC_CONFIGS = Object.freeze({
  'user-login-dlq': DLQ_TOPIC_CONFIG,
  'user-login-dlq-parked': DLQ_TOPIC_CONFIG,
});

function kafkaVersion() {
  const pom = fs.readFileSync(path.join(here, 'pom.xml'), 'utf8');
  const match = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom);
  if (!match) throw new Error('tools/kafka/pom.xml has no <kafka.version>');
  return match[1];
}

export function cacheDir() {
  const base = process.env.LOCAL_KAFKA_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'login-pipeline');
  return path.join(base, `kafka-${kafkaVersion()}`);
}

const log = (msg) => process.stderr.write(`[kafka] ${msg}\n`);

class UsageError extends Error {}

// ---------- fetching ----------

function checkPrerequisites() {
  const missing = [];
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (java.error) missing.push('java (OpenJDK 17 or newer) is not on PATH');
  else {
    const m = /version "(\d+)/.exec(java.stderr);
    if (m && Number(m[1]) < 17) missing.push(`java ${m[1]} found; Kafka 4 needs Java 17 or newer`);
  }
  return missing;
}

export function ensureJars() {
  const dir = cacheDir();
  const libs = path.join(dir, 'libs');
  const marker = path.join(dir, 'complete');
  if (fs.existsSync(marker)) return libs;
  const mvn = spawnSync('mvn', ['-v'], { encoding: 'utf8' });
  if (mvn.error) throw new Error('Maven (mvn) is not on PATH: it fetches Apache Kafka from Maven Central the first time');
  log(`fetching Apache Kafka ${kafkaVersion()} from Maven Central into ${libs} (first run only)`);
  fs.rmSync(libs, { recursive: true, force: true });
  const res = spawnSync(
    'mvn',
    ['-q', '-B', '-Dstyle.color=never', '-f', path.join(here, 'pom.xml'), 'dependency:copy-dependencies', `-DoutputDirectory=${libs}`, '-DincludeScope=runtime'],
    // Maven's output goes to stderr: stdout carries only our answer (e.g. --json).
    { stdio: ['ignore', 2, 'inherit'] },
  );
  if (res.status !== 0) throw new Error(`mvn dependency:copy-dependencies failed (exit ${res.status})`);
  fs.writeFileSync(marker, new Date().toISOString());
  return libs;
}

// ---------- configuration ----------

function uuidBase64() {
  // Kafka's Uuid: 16 random bytes, URL-safe base64 without padding.
  return randomBytes(16).toString('base64url');
}

function nodeLayout(brokers) {
  return Array.from({ length: brokers }, (_, i) => ({
    id: i + 1,
    port: BASE_PORT + i,
    controllerPort: BASE_PORT + i + CONTROLLER_PORT_OFFSET,
    dir: path.join(runDir, `node-${i + 1}`),
    directoryId: uuidBase64(),
  }));
}

function serverProperties(node, nodes) {
  const rf = Math.min(3, nodes.length);
  const voters = nodes.map((n) => `127.0.0.1:${n.controllerPort}`).join(',');
  return [
    `node.id=${node.id}`,
    'process.roles=broker,controller',
    `listeners=PLAINTEXT://127.0.0.1:${node.port},CONTROLLER://127.0.0.1:${node.controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${node.port},CONTROLLER://127.0.0.1:${node.controllerPort}`,
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    `controller.quorum.bootstrap.servers=${voters}`,
    `log.dirs=${path.join(node.dir, 'data')}`,
    'num.partitions=3',
    `default.replication.factor=${rf}`,
    `min.insync.replicas=${rf > 1 ? 2 : 1}`,
    `offsets.topic.replication.factor=${rf}`,
    'offsets.topic.num.partitions=10',
    `transaction.state.log.replication.factor=${rf}`,
    `transaction.state.log.min.isr=${rf > 1 ? 2 : 1}`,
    `share.coordinator.state.topic.replication.factor=${rf}`,
    `share.coordinator.state.topic.min.isr=${rf > 1 ? 2 : 1}`,
    // Topics are created on purpose (npm run kafka:topics, test helpers), never by a typo.
    'auto.create.topics.enable=false',
    // Development broker: join groups at once instead of waiting for more members.
    'group.initial.rebalance.delay.ms=0',
    'log.retention.hours=24',
    'log.segment.bytes=104857600',
    '',
  ].join('\n');
}

function log4jConfig(node) {
  const file = path.join(node.dir, 'logs', 'server.log');
  return [
    'status = warn',
    'appender.file.type = RollingFile',
    'appender.file.name = FILE',
    `appender.file.fileName = ${file}`,
    `appender.file.filePattern = ${file}.%i`,
    'appender.file.layout.type = PatternLayout',
    'appender.file.layout.pattern = [%d] %p %m (%c)%n',
    'appender.file.policies.type = Policies',
    'appender.file.policies.size.type = SizeBasedTriggeringPolicy',
    'appender.file.policies.size.size = 20MB',
    'appender.file.strategy.type = DefaultRolloverStrategy',
    'appender.file.strategy.max = 3',
    'rootLogger.level = INFO',
    'rootLogger.appenderRef.file.ref = FILE',
    'logger.kafka.name = kafka',
    'logger.kafka.level = INFO',
    'logger.apache.name = org.apache.kafka',
    'logger.apache.level = INFO',
    '',
  ].join('\n');
}

function javaArgs(libs, node, mainClass, extra) {
  const heap = process.env.LOCAL_KAFKA_HEAP ?? '768m';
  return [
    `-Xms256m`,
    `-Xmx${heap}`,
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${path.join(node.dir, 'log4j2.properties')}`,
    `-Dkafka.logs.dir=${path.join(node.dir, 'logs')}`,
    // Marks the process as ours: `down` checks the pid's command line for it before signalling.
    `-Dlocal.kafka.run.dir=${runDir}`,
    '-cp',
    path.join(libs, '*'),
    mainClass,
    ...extra,
  ];
}

function formatStorage(libs, nodes, clusterId) {
  const initialControllers = nodes.map((n) => `${n.id}@127.0.0.1:${n.controllerPort}:${n.directoryId}`).join(',');
  for (const node of nodes) {
    const quorumArgs = nodes.length === 1 ? ['--standalone'] : ['--initial-controllers', initialControllers];
    const res = spawnSync(
      'java',
      javaArgs(libs, node, 'kafka.tools.StorageTool', [
        'format',
        '--cluster-id',
        clusterId,
        '--config',
        path.join(node.dir, 'server.properties'),
        ...quorumArgs,
      ]),
      { encoding: 'utf8' },
    );
    if (res.status !== 0) throw new Error(`StorageTool format failed for node ${node.id}:\n${res.stdout}\n${res.stderr}`);
  }
}

// ---------- state ----------

function readState() {
  try {
    return JSON.parse(fs.readFileSync(stateFile, 'utf8'));
  } catch {
    return undefined;
  }
}

function writeState(state) {
  fs.writeFileSync(stateFile, JSON.stringify(state, null, 2));
}

function pidFile(node) {
  return path.join(node.dir, 'kafka.pid');
}

function readPid(node) {
  try {
    const pid = Number(fs.readFileSync(pidFile(node), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isOurProcess(pid) {
  try {
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes(`-Dlocal.kafka.run.dir=${runDir}`);
  } catch {
    // No /proc (macOS): fall back to "the pid exists".
    try {
      process.kill(pid, 0);
      return process.platform !== 'linux';
    } catch {
      return false;
    }
  }
}

function runningNodes(state) {
  if (!state) return [];
  return state.nodes.filter((n) => {
    const pid = readPid(n);
    return pid !== undefined && isOurProcess(pid);
  });
}

export function bootstrap(state) {
  return state.nodes.map((n) => `127.0.0.1:${n.port}`).join(',');
}

// ---------- locking (parallel test runners may call `up` at once) ----------

async function withLock(fn) {
  fs.mkdirSync(runDir, { recursive: true });
  const deadline = Date.now() + START_TIMEOUT_MS + 30_000;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(path.join(lockDir, 'owner'), String(process.pid));
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      const owner = Number(fs.readFileSync(path.join(lockDir, 'owner'), { encoding: 'utf8', flag: 'a+' }) || 0);
      if (owner && !pidAlive(owner)) {
        fs.rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for the lock ${lockDir}`);
      await sleep(200);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------- probing ----------

function portOpen(port, host = '127.0.0.1') {
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

async function loadKafkaJs() {
  const { createRequire } = await import('node:module');
  const require = createRequire(path.join(repoRoot, 'package.json'));
  try {
    return require('kafkajs');
  } catch {
    throw new Error('kafkajs is not installed: run `npm ci` first');
  }
}

const quietLogCreator = () => () => {};

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

/** True when a Kafka broker answers a metadata request at `brokers` (comma-separated) within a few seconds. */
export async function brokerAnswers(brokers) {
  const { Kafka, logLevel } = await loadKafkaJs();
  const admin = new Kafka({ brokers: brokers.split(','), logLevel: logLevel.NOTHING, logCreator: quietLogCreator, connectionTimeout: 1500, retry: { retries: 0 } }).admin();
  try {
    await admin.connect();
    await admin.describeCluster();
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

async function answers(brokers) {
  try {
    return await probe(brokers, { timeoutMs: 8000 });
  } catch {
    return false;
  }
}

function logTail(node, lines = 40) {
  for (const name of ['server.log', 'stdout.log']) {
    const file = path.join(node.dir, 'logs', name);
    if (!fs.existsSync(file)) continue;
    const text = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
    if (text.length === 1 && text[0] === '') continue;
    return `--- last ${Math.min(lines, text.length)} lines of ${file} ---\n${text.slice(-lines).join('\n')}`;
  }
  return `(no broker log under ${path.join(node.dir, 'logs')})`;
}

// ---------- up / down ----------

export async function up({ brokers = 1, lease } = {}) {
  const problems = checkPrerequisites();
  if (problems.length) throw new Error(`cannot start Kafka:\n  - ${problems.join('\n  - ')}`);
  return withLock(async () => {
    let state = readState();
    const alive = runningNodes(state);
    if (state && alive.length === state.nodes.length && state.nodes.length === brokers) {
      const address = bootstrap(state);
      if (await answers(address)) {
        if (lease) addLease(lease);
        return { bootstrap: address, started: false, version: state.version };
      }
    }
    if (alive.length > 0) {
      log('stopping a partial or different cluster first');
      await stopNodes(state);
    }
    const nodesWanted = nodeLayout(brokers);
    for (const n of nodesWanted) {
      if (await portOpen(n.port)) {
        throw new Error(`port ${n.port} is taken by a process this tool did not start; stop it or point KAFKA_BROKERS at it`);
      }
    }
    const libs = ensureJars();
    const version = kafkaVersion();
    // Data is kept across down/up of the same layout and version; a different layout starts fresh.
    const reuse = state && state.nodes.length === brokers && state.version === version && state.nodes.every((n) => fs.existsSync(path.join(n.dir, 'data', 'meta.properties')));
    if (!reuse) {
      fs.rmSync(runDir, { recursive: true, force: true, maxRetries: 3 });
      fs.mkdirSync(lockDir, { recursive: true });
      fs.writeFileSync(path.join(lockDir, 'owner'), String(process.pid));
      state = { version, clusterId: uuidBase64(), nodes: nodesWanted.map(({ directoryId, ...n }) => n), createdAt: new Date().toISOString() };
      for (const n of nodesWanted) {
        fs.mkdirSync(path.join(n.dir, 'logs'), { recursive: true });
        fs.writeFileSync(path.join(n.dir, 'server.properties'), serverProperties(n, nodesWanted));
        fs.writeFileSync(path.join(n.dir, 'log4j2.properties'), log4jConfig(n));
      }
      log(`formatting KRaft storage for ${brokers} node(s), cluster id ${state.clusterId}`);
      formatStorage(libs, nodesWanted, state.clusterId);
      writeState(state);
    }
    log(`starting Apache Kafka ${version} (${brokers} node${brokers > 1 ? 's' : ''})`);
    for (const n of state.nodes) {
      const out = fs.openSync(path.join(n.dir, 'logs', 'stdout.log'), 'a');
      const child = spawn('java', javaArgs(libs, n, 'kafka.Kafka', [path.join(n.dir, 'server.properties')]), {
        detached: true,
        stdio: ['ignore', out, out],
      });
      fs.writeFileSync(pidFile(n), String(child.pid));
      child.unref();
      fs.closeSync(out);
    }
    state.startedAt = new Date().toISOString();
    writeState(state);
    const address = bootstrap(state);
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      const dead = state.nodes.filter((n) => !pidAlive(readPid(n)));
      if (dead.length) {
        const tails = dead.map((n) => logTail(n)).join('\n');
        throw new Error(`Kafka node(s) ${dead.map((n) => n.id).join(', ')} exited during start\n${tails}`);
      }
      if ((await Promise.all(state.nodes.map((n) => portOpen(n.port)))).every(Boolean)) {
        try {
          await probe(address, { timeoutMs: 15_000, replicationFactor: Math.min(3, brokers) });
          break;
        } catch (err) {
          if (Date.now() > deadline) throw err;
        }
      }
      if (Date.now() > deadline) {
        const tails = state.nodes.map((n) => logTail(n)).join('\n');
        await stopNodes(state);
        throw new Error(`Kafka did not accept clients within ${START_TIMEOUT_MS} ms\n${tails}`);
      }
      await sleep(500);
    }
    if (lease) addLease(lease, true);
    return { bootstrap: address, started: true, version };
  });
}

async function stopNodes(state) {
  const nodes = state?.nodes ?? [];
  const pids = nodes.map((n) => [n, readPid(n)]).filter(([, pid]) => pid !== undefined && isOurProcess(pid));
  for (const [, pid] of pids) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  }
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (pids.some(([, pid]) => pidAlive(pid)) && Date.now() < deadline) await sleep(200);
  for (const [n, pid] of pids) {
    if (pidAlive(pid)) {
      log(`node ${n.id} (pid ${pid}) ignored SIGTERM for ${STOP_TIMEOUT_MS} ms: SIGKILL`);
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  }
  for (const n of nodes) fs.rmSync(pidFile(n), { force: true });
  return pids.length;
}

export async function down({ purge = false } = {}) {
  return withLock(async () => {
    const state = readState();
    const stopped = await stopNodes(state);
    fs.rmSync(leaseDir, { recursive: true, force: true });
    if (purge) {
      for (const n of state?.nodes ?? []) fs.rmSync(n.dir, { recursive: true, force: true });
      fs.rmSync(stateFile, { force: true });
    }
    return { stopped };
  });
}

// ---------- leases: several test processes may share one broker that a test run started ----------

function addLease(holder, starter = false) {
  fs.mkdirSync(leaseDir, { recursive: true });
  fs.writeFileSync(path.join(leaseDir, String(holder)), JSON.stringify({ starter }));
}

/** Drops a lease; stops the cluster when it was started by a lease holder and no live holder remains. */
export async function release(holder) {
  return withLock(async () => {
    let starterSeen = false;
    fs.rmSync(path.join(leaseDir, String(holder)), { force: true });
    const live = [];
    for (const name of fs.existsSync(leaseDir) ? fs.readdirSync(leaseDir) : []) {
      const info = JSON.parse(fs.readFileSync(path.join(leaseDir, name), 'utf8'));
      if (pidAlive(Number(name))) live.push(name);
      else fs.rmSync(path.join(leaseDir, name), { force: true });
      starterSeen ||= info.starter;
    }
    const state = readState();
    if (live.length === 0 && (state?.leaseStarted ?? false)) {
      await stopNodes(state);
      state.leaseStarted = false;
      writeState(state);
      return { stopped: true };
    }
    return { stopped: false, starterSeen };
  });
}

/** Marks the running cluster as started by a lease holder: the last `release` stops it. */
export function setLeaseStartedFor() {
  setLeaseStarted(true);
}

function setLeaseStarted(value) {
  const state = readState();
  if (state && state.leaseStarted !== value) {
    state.leaseStarted = value;
    writeState(state);
  }
}

// ---------- topics ----------

export async function createTopics({ brokers, partitions = 3, replicationFactor, topics = TOPICS }) {
  const { Kafka, logLevel } = await loadKafkaJs();
  const kafka = new Kafka({ clientId: 'kafka-topics', brokers: brokers.split(','), logLevel: logLevel.NOTHING, logCreator: quietLogCreator });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const meta = await admin.describeCluster();
    const rf = replicationFactor ?? Math.min(3, meta.brokers.length);
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length) {
      const configEntries = (topic) => Object.entries(TOPIC_CONFIGS[topic] ?? {}).map(([name, value]) => ({ name, value }));
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: rf, configEntries: configEntries(topic) })),
      });
    }
    const described = await admin.fetchTopicMetadata({ topics });
    return described.topics.map((t) => ({ topic: t.name, partitions: t.partitions.length, created: missing.includes(t.name) }));
  } finally {
    await admin.disconnect();
  }
}

// ---------- command line ----------

const HELP = `Usage: node tools/kafka/kafka.mjs <command> [options]

A local Apache Kafka (KRaft mode) from Maven Central, for development, tests and CI.

Commands:
  up [--brokers N]        start (or reuse) a cluster on 127.0.0.1:${BASE_PORT}.. ; returns when clients can produce
                          and consume; prints the bootstrap address. N = 1 (default) or 3.
  down [--purge]          stop exactly what \`up\` started (by pid file); --purge also deletes data and logs
  status                  print whether our cluster is running, and its bootstrap address
  topics [--partitions N] [--replication-factor N] [--brokers LIST]
                          create ${TOPICS.join(', ')} (safe to rerun)
  logs [--node N]         print the tail of a node's broker log
  fetch                   only download the jars into the cache
  lease --holder PID | release --holder PID
                          used by the Jest global setup to share one broker between test processes

Options:
  --json                  machine-readable output on stdout
  -h, --help              this text

Environment: LOCAL_KAFKA_PORT (first broker port, default 9092), LOCAL_KAFKA_RUN_DIR (data and logs),
LOCAL_KAFKA_CACHE (jar cache), LOCAL_KAFKA_HEAP (broker heap, default 768m).
Files: jars in ${cacheDir()}, data and logs in ${runDir}.
Data is kept between down and up (same layout); \`down --purge\` or a different --brokers starts fresh.`;

function parseArgs(argv) {
  const [command, ...rest] = argv[0]?.startsWith('-') ? [undefined, ...argv] : argv;
  const opts = { json: false };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    const next = () => {
      const v = rest[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      return v;
    };
    const positiveInt = (v, name) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} must be a positive integer, got "${v}"`);
      return n;
    };
    if (a === '--json') opts.json = true;
    else if (a === '--purge') opts.purge = true;
    else if (a === '-h' || a === '--help') opts.help = true;
    else if (a === '--brokers') {
      const v = next();
      if (command === 'topics' && !/^\d+$/.test(v)) opts.bootstrap = v;
      else {
        const n = positiveInt(v, '--brokers');
        if (n !== 1 && n !== 3) throw new UsageError('--brokers must be 1 or 3');
        opts.brokers = n;
      }
    } else if (a === '--partitions') opts.partitions = positiveInt(next(), '--partitions');
    else if (a === '--replication-factor') opts.replicationFactor = positiveInt(next(), '--replication-factor');
    else if (a === '--node') opts.node = positiveInt(next(), '--node');
    else if (a === '--holder') opts.holder = positiveInt(next(), '--holder');
    else throw new UsageError(`unknown option ${a}`);
  }
  return { command, opts };
}

async function main(argv) {
  const { command, opts } = parseArgs(argv);
  const print = (obj, text) => process.stdout.write(opts.json ? `${JSON.stringify(obj)}\n` : `${text}\n`);
  if (opts.help || command === undefined || command === 'help') {
    process.stdout.write(`${HELP}\n`);
    return command === undefined && !opts.help ? 2 : 0;
  }
  switch (command) {
    case 'fetch':
      print({ libs: ensureJars() }, ensureJars());
      return 0;
    case 'up':
    case 'lease': {
      const holder = command === 'lease' ? opts.holder : undefined;
      if (command === 'lease' && !holder) throw new UsageError('lease needs --holder PID');
      const res = await up({ brokers: opts.brokers ?? 1, lease: holder });
      // Whoever started it decides: a lease holder's start is stopped by the last release; a plain `up` is kept.
      if (res.started || command === 'up') setLeaseStarted(command === 'lease');
      log(res.started ? `Kafka ${res.version} is up` : `Kafka ${res.version} was already running`);
      print(res, res.bootstrap);
      return 0;
    }
    case 'release': {
      if (!opts.holder) throw new UsageError('release needs --holder PID');
      const res = await release(opts.holder);
      print(res, res.stopped ? 'stopped' : 'still in use or not ours to stop');
      return 0;
    }
    case 'down': {
      const res = await down({ purge: opts.purge });
      log(res.stopped ? `stopped ${res.stopped} node(s)` : 'nothing of ours was running');
      print(res, String(res.stopped));
      return 0;
    }
    case 'status': {
      const state = readState();
      const alive = runningNodes(state);
      const running = state !== undefined && alive.length === state.nodes.length && alive.length > 0;
      const res = { running, bootstrap: state ? bootstrap(state) : undefined, nodes: alive.map((n) => ({ id: n.id, pid: readPid(n), port: n.port })), version: state?.version };
      print(res, running ? `running: ${res.bootstrap}` : 'not running');
      return running ? 0 : 1;
    }
    case 'topics': {
      const brokers = opts.bootstrap ?? process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
      const res = await createTopics({ brokers, partitions: opts.partitions, replicationFactor: opts.replicationFactor });
      print(res, res.map((t) => `${t.topic}: ${t.partitions} partitions${t.created ? ' (created)' : ' (exists)'}`).join('\n'));
      return 0;
    }
    case 'logs': {
      const state = readState();
      const node = state?.nodes.find((n) => n.id === (opts.node ?? 1));
      if (!node) throw new UsageError('no such node (is the cluster set up?)');
      process.stdout.write(`${logTail(node, 100)}\n`);
      return 0;
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      if (err instanceof UsageError) {
        process.stderr.write(`kafka: ${err.message}\nRun with --help for usage.\n`);
        process.exit(2);
      }
      process.stderr.write(`kafka: ${err.message}\n`);
      process.exit(1);
    },
  );
}
