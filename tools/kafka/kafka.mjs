#!/usr/bin/env node
// A real Apache Kafka (KRaft) for development, tests, the benchmark and CI.
// Jars come from Maven Central (tools/kafka/pom.xml) into a cache outside git; data and logs live in
// tools/kafka/.run, or .run-<port> for another port (ignored). Processes are tracked by pid file and stopped by pid, never by name.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  API_PORT_OFFSET,
  ensureToxiproxy,
  populate,
  REPLICATION_PORT_OFFSET,
  spawnToxiproxy,
  UPSTREAM_PORT_OFFSET,
} from './proxy.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const DLQ_TOPIC_CONFIG = JSON.parse(
  fs.readFileSync(path.join(here, '../../libs/kafka/src/topic-configs.json'), 'utf8'),
).deadLetter;
const repoRoot = path.resolve(here, '../..');
const DEFAULT_PORT = 9092;

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost']);

/**
 * The first broker port of the local cluster: LOCAL_KAFKA_PORT when set; otherwise the port of KAFKA_BROKERS when
 * its first address is on this machine (so `KAFKA_BROKERS=127.0.0.1:19092 npm start` runs the broker there);
 * otherwise 9092.
 */
export function resolveBasePort(env) {
  const explicit = env.LOCAL_KAFKA_PORT?.trim();
  if (explicit) {
    const port = Number(explicit);
    if (!Number.isInteger(port) || port < 1 || port > 65535 - CONTROLLER_PORT_OFFSET - 2) {
      throw new UsageError(
        `LOCAL_KAFKA_PORT must be a port number below ${65535 - CONTROLLER_PORT_OFFSET - 2}, got "${explicit}"`,
      );
    }
    return port;
  }
  const port = loopbackPort(env.KAFKA_BROKERS);
  return port !== undefined && port <= 65535 - CONTROLLER_PORT_OFFSET - 2 ? port : DEFAULT_PORT;
}

/** The port of the first address of `brokers` when that is 127.0.0.1:PORT or localhost:PORT (a broker we may run). */
export function loopbackPort(brokers) {
  const first = brokers?.split(',')[0]?.trim();
  const match = first ? /^(.+):(\d+)$/.exec(first) : null;
  if (!match || !LOOPBACK_HOSTS.has(match[1].toLowerCase())) return undefined;
  const port = Number(match[2]);
  return port >= 1 && port <= 65535 ? port : undefined;
}

class UsageError extends Error {}

const CONTROLLER_PORT_OFFSET = 10000;
// Another base port and run dir give a private broker (e.g. for tests that stop and start it). A wrong setting is
// reported by the first command or exported call, not at import (importers print errors their own way).
let settingError;
const BASE_PORT = (() => {
  try {
    return resolveBasePort(process.env);
  } catch (err) {
    settingError = err;
    return DEFAULT_PORT;
  }
})();
function checkSettings() {
  if (settingError) throw settingError;
}
// One run dir per port: a cluster on another port never replaces (or reuses) the one on 9092.
const runDir =
  process.env.LOCAL_KAFKA_RUN_DIR ?? path.join(here, BASE_PORT === DEFAULT_PORT ? '.run' : `.run-${BASE_PORT}`);
const stateFile = path.join(runDir, 'cluster.json');
const lockDir = path.join(runDir, 'lock');
const leaseDir = path.join(runDir, 'leases');
const START_TIMEOUT_MS = Number(process.env.LOCAL_KAFKA_START_TIMEOUT_MS ?? 120_000);
const STOP_TIMEOUT_MS = 30_000;

/** The pipeline's topics, by the same names the apps' configs default to (libs/event-schema/src/topics.json). */
const TOPIC_NAMES = JSON.parse(fs.readFileSync(path.join(here, '../../libs/event-schema/src/topics.json'), 'utf8'));
export const TOPICS = [TOPIC_NAMES.input, TOPIC_NAMES.output, TOPIC_NAMES.dlq, TOPIC_NAMES.parked];
/** Per-topic configs: dead letters are their input plus headers, so the DLQ topics take larger records (libs/kafka). */
export const TOPIC_CONFIGS = Object.freeze({
  [TOPIC_NAMES.dlq]: DLQ_TOPIC_CONFIG,
  [TOPIC_NAMES.parked]: DLQ_TOPIC_CONFIG,
});

function kafkaVersion() {
  const pom = fs.readFileSync(path.join(here, 'pom.xml'), 'utf8');
  const match = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom);
  if (!match) throw new Error('tools/kafka/pom.xml has no <kafka.version>');
  return match[1];
}

function cacheBase() {
  return (
    process.env.LOCAL_KAFKA_CACHE ??
    path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'login-pipeline')
  );
}

export function cacheDir() {
  return path.join(cacheBase(), `kafka-${kafkaVersion()}`);
}

const log = (msg) => process.stderr.write(`[kafka] ${msg}\n`);

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
  if (mvn.error)
    throw new Error('Maven (mvn) is not on PATH: it fetches Apache Kafka from Maven Central the first time');
  log(`fetching Apache Kafka ${kafkaVersion()} from Maven Central into ${libs} (first run only)`);
  fs.rmSync(libs, { recursive: true, force: true });
  const res = spawnSync(
    'mvn',
    [
      '-q',
      '-B',
      '-Dstyle.color=never',
      '-f',
      path.join(here, 'pom.xml'),
      'dependency:copy-dependencies',
      `-DoutputDirectory=${libs}`,
      '-DincludeScope=runtime',
    ],
    // Maven's output goes to stderr: stdout carries only our answer (e.g. --json).
    { stdio: ['ignore', 2, 'inherit'] },
  );
  if (res.status !== 0) throw new Error(`mvn dependency:copy-dependencies failed (exit ${res.status})`);
  fs.writeFileSync(marker, new Date().toISOString());
  return libs;
}

// ---------- configuration ----------

/**
 * A Kafka Uuid as Kafka's own `Uuid.randomUuid()` makes it: a version-4 UUID in URL-safe base64 without padding,
 * never one that starts with '-' (kafka-storage would take `--cluster-id -abc…` for an option: 1 draw in 64).
 * The version bits keep the high 64 bits non-zero, so it is never one of the reserved ids (Uuid 0 and 1, and the
 * directory ids below 100 that `DirectoryId.random()` skips). `random` is injectable for tests.
 */
export function kafkaUuid(random = randomBytes) {
  for (;;) {
    const bytes = Buffer.from(random(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4
    bytes[8] = (bytes[8] & 0x3f) | 0x80; // IETF variant
    const id = bytes.toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/**
 * `port` is where clients connect. Behind the proxy the broker itself listens for clients on `listenPort` and for
 * the other brokers on `replicationPort`; without it both are `port`.
 */
function nodeLayout(brokers, proxy = false) {
  return Array.from({ length: brokers }, (_, i) => {
    const port = BASE_PORT + i;
    return {
      id: i + 1,
      port,
      listenPort: proxy ? port + UPSTREAM_PORT_OFFSET : port,
      replicationPort: proxy ? port + REPLICATION_PORT_OFFSET : port,
      controllerPort: port + CONTROLLER_PORT_OFFSET,
      dir: path.join(runDir, `node-${i + 1}`),
      directoryId: kafkaUuid(),
    };
  });
}

/** The listener lines of server.properties; a proxied broker advertises the proxy's port to clients. */
function listenerProperties(node) {
  const controller = `CONTROLLER://127.0.0.1:${node.controllerPort}`;
  if (node.replicationPort === node.listenPort) {
    return [
      `listeners=PLAINTEXT://127.0.0.1:${node.port},${controller}`,
      `advertised.listeners=PLAINTEXT://127.0.0.1:${node.port},${controller}`,
      'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
      'inter.broker.listener.name=PLAINTEXT',
    ];
  }
  const replication = `REPLICATION://127.0.0.1:${node.replicationPort}`;
  return [
    `listeners=PLAINTEXT://127.0.0.1:${node.listenPort},${replication},${controller}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${node.port},${replication},${controller}`,
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,REPLICATION:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name=REPLICATION',
  ];
}

function serverProperties(node, nodes) {
  const rf = Math.min(3, nodes.length);
  const voters = nodes.map((n) => `127.0.0.1:${n.controllerPort}`).join(',');
  return [
    `node.id=${node.id}`,
    'process.roles=broker,controller',
    ...listenerProperties(node),
    'controller.listener.names=CONTROLLER',
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
    if (res.status !== 0)
      throw new Error(`StorageTool format failed for node ${node.id}:\n${res.stdout}\n${res.stderr}`);
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
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    return err.code === 'EPERM';
  }
  // A zombie (exited, not yet reaped by its parent) is gone for us.
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true; // no /proc (macOS): kill(pid, 0) is all we know
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

/** An error the command line prints as its one-sentence message (a conflict with something on this machine). */
export class ConflictError extends Error {}

function abortError() {
  const err = new Error('the start was interrupted');
  err.name = 'AbortError';
  return err;
}

function throwIfAborted(signal) {
  if (signal?.aborted) throw abortError();
}

/**
 * Throws one sentence when a port that `nodes` need is taken: by a Kafka broker we did not start, or by anything.
 * `proxied`: our proxy holds the client ports already, so only the broker's own ports are checked.
 */
async function checkPortsFree(nodes, { proxied = false } = {}) {
  for (const n of nodes) {
    for (const [port, what] of [
      [n.listenPort, 'upstream port'],
      [n.replicationPort, 'replication port'],
    ]) {
      if (port !== undefined && port !== n.port && (await portOpen(port)))
        throw new ConflictError(
          `port ${port} (${what} of proxied node ${n.id}) is taken by another program: free it or choose another port with LOCAL_KAFKA_PORT`,
        );
    }
    if (!proxied && (await portOpen(n.port))) {
      const address = `127.0.0.1:${n.port}`;
      if (await brokerAnswers(address)) {
        throw new ConflictError(
          `a Kafka broker not started by this tool (run dir ${runDir}) already answers at ${address}: use it as it is, stop it, or choose another port with LOCAL_KAFKA_PORT`,
        );
      }
      throw new ConflictError(
        `port ${n.port} (broker port of node ${n.id}) is taken by another program: free it or choose another port with LOCAL_KAFKA_PORT`,
      );
    }
    if (await portOpen(n.controllerPort)) {
      throw new ConflictError(
        `port ${n.controllerPort} (controller port of node ${n.id}, broker port + ${CONTROLLER_PORT_OFFSET}) is taken by another program: free it or choose another port with LOCAL_KAFKA_PORT`,
      );
    }
  }
}

function spawnNode(libs, node) {
  const out = fs.openSync(path.join(node.dir, 'logs', 'stdout.log'), 'a');
  try {
    const child = spawn('java', javaArgs(libs, node, 'kafka.Kafka', [path.join(node.dir, 'server.properties')]), {
      detached: true,
      stdio: ['ignore', out, out],
    });
    fs.writeFileSync(pidFile(node), String(child.pid));
    child.unref();
    return child.pid;
  } finally {
    fs.closeSync(out);
  }
}

/** Polls until `ready()` holds; fails when a started node dies, at the deadline, or when `signal` aborts. */
async function waitUntil(started, ready, { signal, what }) {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let lastError;
  for (;;) {
    throwIfAborted(signal);
    const dead = started.filter((n) => !pidAlive(readPid(n)));
    if (dead.length) {
      throw new Error(
        `Kafka node(s) ${dead.map((n) => n.id).join(', ')} exited during start\n${dead.map((n) => logTail(n)).join('\n')}`,
      );
    }
    if ((await Promise.all(started.map((n) => portOpen(n.listenPort ?? n.port)))).every(Boolean)) {
      try {
        if (await ready()) return;
      } catch (err) {
        lastError = err;
      }
    }
    if (Date.now() > deadline) {
      const cause = lastError ? ` (last error: ${lastError.message})` : '';
      throw new Error(`${what} within ${START_TIMEOUT_MS} ms${cause}\n${started.map((n) => logTail(n)).join('\n')}`);
    }
    await sleep(500);
  }
}

/**
 * Starts (or reuses) the cluster; returns when clients can produce and consume. A cluster of the same layout with
 * some nodes stopped gets those nodes started again; a different layout is stopped and replaced. `signal` aborts
 * a start in progress: the nodes this call started are stopped again.
 */
export async function up({ brokers = 1, proxy = false, lease, signal } = {}) {
  checkSettings();
  const problems = checkPrerequisites();
  if (problems.length) throw new Error(`cannot start Kafka:\n  - ${problems.join('\n  - ')}`);
  return withLock(async () => {
    throwIfAborted(signal);
    let state = readState();
    const version = kafkaVersion();
    const alive = runningNodes(state);
    const sameLayout =
      state !== undefined &&
      state.nodes.length === brokers &&
      state.nodes[0]?.port === BASE_PORT &&
      Boolean(state.proxy) === proxy &&
      state.version === version;
    const reuse = sameLayout && state.nodes.every((n) => fs.existsSync(path.join(n.dir, 'data', 'meta.properties')));
    if (reuse && alive.length === state.nodes.length) {
      const address = bootstrap(state);
      if (proxyAlive(state) === proxy && (await answers(address))) {
        if (lease) addLease(lease);
        return { bootstrap: address, started: false, version, ...proxyAnswer(state) };
      }
      log('the running cluster does not answer: restarting it');
      await stopNodes(state.nodes);
    } else if ((alive.length > 0 || proxyAlive(state)) && !reuse) {
      log('stopping a different cluster first');
      await stopNodes(state.nodes);
      await stopProxy(state);
    }
    // Same layout with some nodes stopped (`node stop`): start only those, the others keep running.
    const keep = reuse ? runningNodes(state).map((n) => n.id) : [];
    const nodesWanted = nodeLayout(brokers, proxy);
    await checkPortsFree(
      nodesWanted.filter((n) => !keep.includes(n.id)),
      { proxied: reuse && proxyAlive(state) },
    );
    const libs = ensureJars();
    // Data is kept across down/up of the same layout and version; a different layout starts fresh.
    if (!reuse) {
      fs.rmSync(runDir, { recursive: true, force: true, maxRetries: 3 });
      fs.mkdirSync(lockDir, { recursive: true });
      fs.writeFileSync(path.join(lockDir, 'owner'), String(process.pid));
      state = {
        version,
        clusterId: kafkaUuid(),
        nodes: nodesWanted.map(({ directoryId, ...n }) => n),
        proxy: proxy ? { apiPort: BASE_PORT + API_PORT_OFFSET } : undefined,
        createdAt: new Date().toISOString(),
      };
      for (const n of nodesWanted) {
        fs.mkdirSync(path.join(n.dir, 'logs'), { recursive: true });
        fs.writeFileSync(path.join(n.dir, 'server.properties'), serverProperties(n, nodesWanted));
        fs.writeFileSync(path.join(n.dir, 'log4j2.properties'), log4jConfig(n));
      }
      log(`formatting KRaft storage for ${brokers} node(s), cluster id ${state.clusterId}`);
      formatStorage(libs, nodesWanted, state.clusterId);
      writeState(state);
    }
    throwIfAborted(signal);
    const toStart = state.nodes.filter((n) => !keep.includes(n.id));
    log(
      `starting Apache Kafka ${version} (${toStart.length === brokers ? '' : `${toStart.length} of `}${brokers} node${brokers > 1 ? 's' : ''})`,
    );
    if (state.proxy) await startProxy(state);
    for (const n of toStart) spawnNode(libs, n);
    state.startedAt = new Date().toISOString();
    writeState(state);
    const address = bootstrap(state);
    try {
      await waitUntil(
        toStart,
        async () => probe(address, { timeoutMs: 15_000, replicationFactor: Math.min(3, brokers) }),
        {
          signal,
          what: 'Kafka did not accept clients',
        },
      );
    } catch (err) {
      await stopNodes(toStart);
      throw err;
    }
    if (lease) addLease(lease, true);
    return { bootstrap: address, started: true, version, ...proxyAnswer(state) };
  });
}

/** SIGTERM to our running nodes among `nodes`, SIGKILL to those still running after STOP_TIMEOUT_MS. */
async function stopNodes(nodes) {
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
  while (pids.some(([, pid]) => pidAlive(pid))) await sleep(100);
  for (const n of nodes) fs.rmSync(pidFile(n), { force: true });
  return pids.length;
}

export async function down({ purge = false } = {}) {
  checkSettings();
  return withLock(async () => {
    const state = readState();
    const stopped = await stopNodes(state?.nodes ?? []);
    await stopProxy(state);
    fs.rmSync(leaseDir, { recursive: true, force: true });
    if (purge) {
      for (const n of state?.nodes ?? []) fs.rmSync(n.dir, { recursive: true, force: true });
      fs.rmSync(stateFile, { force: true });
    }
    return { stopped };
  });
}

// ---------- the fault-injecting proxy (`up --proxy`, see proxy.mjs) ----------

const proxyPidFile = () => path.join(runDir, 'toxiproxy.pid');

function proxyPid(state) {
  if (!state?.proxy) return undefined;
  try {
    const pid = Number(fs.readFileSync(proxyPidFile(), 'utf8').trim());
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const ours = cmdline[0]?.endsWith('toxiproxy-server') && cmdline.includes(String(state.proxy.apiPort));
    return ours && pidAlive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

function proxyAlive(state) {
  return proxyPid(state) !== undefined;
}

/**
 * What `up` adds to its answer for a proxied cluster: where toxiproxy's API is, and a bootstrap that bypasses it (the
 * replication listener: a broker answers metadata with the addresses of the listener asked, so a client that starts
 * there stays off the proxy) for a test's own bookkeeping while the proxy is faulty.
 */
function proxyAnswer(state) {
  if (!state.proxy) return {};
  const direct = state.nodes.map((n) => `127.0.0.1:${n.replicationPort}`).join(',');
  return { proxy: { api: `http://127.0.0.1:${state.proxy.apiPort}`, direct } };
}

/** Starts toxiproxy unless ours runs, and (re)creates one proxy per node, without toxics. */
async function startProxy(state) {
  const { apiPort } = state.proxy;
  if (!proxyAlive(state)) {
    if (await portOpen(apiPort))
      throw new ConflictError(
        `port ${apiPort} (toxiproxy's API, first broker port + ${API_PORT_OFFSET}) is taken by another program: free it or choose another port with LOCAL_KAFKA_PORT`,
      );
    const binary = ensureToxiproxy(cacheBase(), log);
    const logFile = path.join(runDir, 'toxiproxy.log');
    const pid = spawnToxiproxy({ binary, apiPort, logFile, pidFile: proxyPidFile() });
    log(`toxiproxy (pid ${pid}) in front of the brokers; its API is http://127.0.0.1:${apiPort}`);
  }
  await populate(apiPort, state.nodes);
}

async function stopProxy(state) {
  const pid = proxyPid(state);
  if (pid !== undefined) {
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + STOP_TIMEOUT_MS;
    while (pidAlive(pid) && Date.now() < deadline) await sleep(100);
    if (pidAlive(pid)) process.kill(pid, 'SIGKILL');
  }
  fs.rmSync(proxyPidFile(), { force: true });
}

// ---------- one node: stop, kill, start (fault tests) ----------

function findNode(state, id) {
  if (!state) throw new UsageError(`no cluster in ${runDir}: run \`up\` first`);
  const node = state.nodes.find((n) => n.id === id);
  if (!node) throw new UsageError(`no node ${id}: the cluster's nodes are ${state.nodes.map((n) => n.id).join(', ')}`);
  return node;
}

/**
 * Stops one node and returns when its process is gone: SIGTERM (a controlled shutdown: it hands its partition
 * leaderships over first) or SIGKILL (a crash). A node that ignores SIGTERM for STOP_TIMEOUT_MS is killed, and the
 * answer says so (`forced`).
 */
export async function stopNode(id, { signal = 'SIGTERM' } = {}) {
  checkSettings();
  return withLock(async () => {
    const node = findNode(readState(), id);
    const pid = readPid(node);
    if (pid === undefined || !isOurProcess(pid)) {
      fs.rmSync(pidFile(node), { force: true });
      return { id, stopped: false };
    }
    const t0 = Date.now();
    process.kill(pid, signal);
    let forced = false;
    while (pidAlive(pid)) {
      if (!forced && Date.now() - t0 > STOP_TIMEOUT_MS) {
        log(`node ${id} (pid ${pid}) ignored ${signal} for ${STOP_TIMEOUT_MS} ms: SIGKILL`);
        process.kill(pid, 'SIGKILL');
        forced = true;
      }
      await sleep(100);
    }
    fs.rmSync(pidFile(node), { force: true });
    return { id, stopped: true, pid, signal, forced, ms: Date.now() - t0 };
  });
}

export async function killNode(id) {
  return stopNode(id, { signal: 'SIGKILL' });
}

/**
 * SIGSTOP (`freeze`) or SIGCONT (`thaw`) to one node: frozen, it keeps its connections open and answers nothing,
 * the gray failure that trips request, session and transaction timeouts at once.
 */
export async function signalNode(id, action) {
  checkSettings();
  return withLock(async () => {
    const node = findNode(readState(), id);
    const pid = readPid(node);
    if (pid === undefined || !isOurProcess(pid)) throw new UsageError(`node ${id} is not running`);
    process.kill(pid, action === 'freeze' ? 'SIGSTOP' : 'SIGCONT');
    return { id, pid, frozen: action === 'freeze' };
  });
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

async function withAdmin(brokers, fn) {
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

/**
 * A restarted node is back when the cluster and the node itself list it as a live broker, it is in the ISR of every
 * partition it replicates that has a leader, it leads again what waits for it (a partition without leader whose ISR
 * holds it), and it answers ListOffsets for the partitions it leads (right after a start it may list a partition
 * before it hosts it: "This server does not host this topic-partition").
 */
async function nodeServes(state, node) {
  const others = runningNodes(state).filter((n) => n.id !== node.id);
  for (const view of [node, ...others]) {
    const { brokers } = await withAdmin(`127.0.0.1:${view.port}`, (admin) => admin.describeCluster());
    if (!brokers.some((b) => b.nodeId === node.id)) return false;
  }
  return withAdmin(bootstrap(state), async (admin) => {
    const { brokers } = await admin.describeCluster();
    const live = new Set(brokers.map((b) => b.nodeId));
    const topics = await admin.listTopics();
    if (topics.length === 0) return true;
    const { topics: described } = await admin.fetchTopicMetadata({ topics });
    for (const t of described) {
      for (const p of t.partitions) {
        if (!p.replicas.includes(node.id)) continue;
        if (live.has(p.leader) && !p.isr.includes(node.id)) return false;
        if (!live.has(p.leader) && p.isr.includes(node.id)) return false;
      }
    }
    const led = described.filter(
      (t) => t.partitions.every((p) => live.has(p.leader)) && t.partitions.some((p) => p.leader === node.id),
    );
    for (const t of led) await admin.fetchTopicOffsets(t.name);
    return true;
  });
}

/** Starts one stopped node; returns when it is back in the cluster and serving (see nodeServes). */
export async function startNode(id, { signal } = {}) {
  checkSettings();
  return withLock(async () => {
    const state = readState();
    const node = findNode(state, id);
    const running = readPid(node);
    if (running !== undefined && isOurProcess(running)) return { id, started: false, pid: running };
    await checkPortsFree([node], { proxied: proxyAlive(state) });
    const libs = ensureJars();
    const t0 = Date.now();
    const pid = spawnNode(libs, node);
    try {
      await waitUntil([node], () => nodeServes(state, node), {
        signal,
        what: `node ${id} was not back in the cluster`,
      });
    } catch (err) {
      await stopNodes([node]);
      throw err;
    }
    return { id, started: true, pid, ms: Date.now() - t0 };
  });
}

/** Each node of the cluster in this run dir: its pid when its process runs, and whether it accepts connections. */
export async function clusterStatus() {
  checkSettings();
  const state = readState();
  if (!state) return { running: false, bootstrap: undefined, nodes: [], version: undefined, runDir };
  const nodes = await Promise.all(
    state.nodes.map(async (n) => {
      const pid = readPid(n);
      const ours = pid !== undefined && isOurProcess(pid);
      return { id: n.id, port: n.port, pid: ours ? pid : undefined, up: ours && (await portOpen(n.port)) };
    }),
  );
  return { running: nodes.every((n) => n.up), bootstrap: bootstrap(state), nodes, version: state.version, runDir };
}

/** The status lines of `status` and `node status`. */
export function formatStatus(status) {
  if (status.nodes.length === 0) return `not running (no cluster in ${status.runDir})`;
  const upCount = status.nodes.filter((n) => n.up).length;
  const head = status.running
    ? `running: ${status.bootstrap}`
    : upCount === 0
      ? 'not running'
      : `degraded: ${upCount} of ${status.nodes.length} nodes up`;
  const lines = status.nodes.map((n) => {
    const state = n.up ? 'up' : n.pid ? 'starting' : 'down';
    return `node ${n.id}  ${state.padEnd(8)}  ${(n.pid ? `pid ${n.pid}` : '-').padEnd(10)}  127.0.0.1:${n.port}`;
  });
  return [head, ...lines].join('\n');
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
      await stopNodes(state.nodes);
      await stopProxy(state);
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

// ---------- command line ----------

const HELP = `Usage: node tools/kafka/kafka.mjs <command> [options]

A local Apache Kafka (KRaft mode) from Maven Central, for development, tests and CI.

Commands:
  up [--brokers N] [--proxy]
                          start (or reuse) a cluster on 127.0.0.1:${BASE_PORT}.. ; returns when clients can produce
                          and consume; prints the bootstrap address. N = 1 (default) or 3. --proxy puts
                          toxiproxy (built with Go on first use) in front of every broker: clients connect
                          through it, its API on port ${BASE_PORT + API_PORT_OFFSET} adds latency, cuts, bandwidth limits
  down [--purge]          stop exactly what \`up\` started (by pid file); --purge also deletes data and logs
  status                  each node with its pid and whether it is up, and the bootstrap address; exits non-zero
                          unless every node is up
  node stop|kill|start ID one node of the cluster, for fault tests: stop = SIGTERM (controlled shutdown), kill =
                          SIGKILL (a crash), both return when the process is gone; start returns when the node
                          is back in the cluster and serving (listed as a live broker, in the ISR of its
                          partitions, answering for those it leads)
  node freeze|thaw ID     SIGSTOP / SIGCONT one node: frozen, it holds its connections and answers nothing
  node status             the same as status
  topics [--partitions N] [--replication-factor N] [--brokers LIST]
                          create ${TOPICS.join(', ')} (safe to rerun)
  logs [--node N]         print the tail of a node's broker log
  fetch                   only download the jars into the cache
  probe ADDRESSES          exits 0 when a Kafka broker answers at ADDRESSES (host:port,...) within a few seconds, 1
                          when none does
  lease --holder PID | release --holder PID
                          used by the Jest global setup to share one broker between test processes

Options:
  --json                  machine-readable output on stdout
  -h, --help              this text

Environment: LOCAL_KAFKA_PORT (first broker port; controllers use port + ${CONTROLLER_PORT_OFFSET}; without it the port of
KAFKA_BROKERS when that names 127.0.0.1:PORT or localhost:PORT, else 9092), LOCAL_KAFKA_RUN_DIR (data and logs;
default tools/kafka/.run for port 9092, tools/kafka/.run-PORT for another port), LOCAL_KAFKA_CACHE (jar cache),
LOCAL_KAFKA_HEAP (broker heap, default 768m).
Files: jars in ${cacheDir()}, data and logs in ${runDir}.
Data is kept between down and up (same layout); \`down --purge\` or a different --brokers starts fresh.`;

function parseArgs(argv) {
  const [command, ...rest] = argv[0]?.startsWith('-') ? [undefined, ...argv] : argv;
  const opts = { json: false, args: [] };
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
    else if (a === '--proxy') opts.proxy = true;
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
    else if ((command === 'node' || command === 'probe') && !a.startsWith('-')) opts.args.push(a);
    else throw new UsageError(`unknown option ${a}`);
  }
  return { command, opts };
}

async function main(argv) {
  const { command, opts } = parseArgs(argv);
  checkSettings();
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
      const res = await up({ brokers: opts.brokers ?? 1, proxy: opts.proxy ?? false, lease: holder });
      // Whoever started it decides: a lease holder's start is stopped by the last release; a plain `up` is kept.
      if (res.started || command === 'up') setLeaseStarted(command === 'lease');
      log(res.started ? `Kafka ${res.version} is up` : `Kafka ${res.version} was already running`);
      if (res.proxy) log(`clients connect through toxiproxy; add toxics at ${res.proxy.api}`);
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
      const res = await clusterStatus();
      print(res, formatStatus(res));
      return res.running ? 0 : 1;
    }
    case 'node':
      return nodeCommand(opts, print);
    case 'probe': {
      if (opts.args.length !== 1) throw new UsageError('probe needs one argument: host:port[,host:port...]');
      const answers = await brokerAnswers(opts.args[0]);
      print({ answers }, answers ? `a broker answers at ${opts.args[0]}` : `no broker answers at ${opts.args[0]}`);
      return answers ? 0 : 1;
    }
    case 'topics': {
      const brokers = opts.bootstrap ?? process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
      const res = await createTopics({
        brokers,
        partitions: opts.partitions,
        replicationFactor: opts.replicationFactor,
      });
      print(
        res,
        res.map((t) => `${t.topic}: ${t.partitions} partitions${t.created ? ' (created)' : ' (exists)'}`).join('\n'),
      );
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

const SIGNAL_ACTIONS = new Set(['freeze', 'thaw']);
const NODE_ACTIONS = { stop: (id) => stopNode(id), kill: (id) => killNode(id), start: (id) => startNode(id) };

async function nodeCommand(opts, print) {
  const [action, id, ...extra] = opts.args;
  if (action === 'status' && id === undefined) {
    const res = await clusterStatus();
    print(res, formatStatus(res));
    return res.running ? 0 : 1;
  }
  if (!NODE_ACTIONS[action] && !SIGNAL_ACTIONS.has(action))
    throw new UsageError('node needs an action: stop ID, kill ID, start ID, freeze ID, thaw ID or status');
  if (!/^\d+$/.test(id ?? '') || extra.length)
    throw new UsageError(`node ${action} needs one node id, e.g. \`node ${action} 2\``);
  if (SIGNAL_ACTIONS.has(action)) {
    const res = await signalNode(Number(id), action);
    log(`node ${res.id} (pid ${res.pid}) is ${res.frozen ? 'frozen (SIGSTOP)' : 'running again (SIGCONT)'}`);
    print(res, `node ${res.id}: ${res.frozen ? 'frozen' : 'thawed'}`);
    return 0;
  }
  const res = await NODE_ACTIONS[action](Number(id));
  const done = action === 'start' ? res.started : res.stopped;
  const how =
    action === 'start'
      ? 'back in the cluster'
      : res.forced
        ? 'gone (it ignored SIGTERM: killed)'
        : `gone (${res.signal})`;
  log(
    done
      ? `node ${res.id} (pid ${res.pid}) is ${how} after ${res.ms} ms`
      : `node ${res.id} was already ${action === 'start' ? 'running' : 'stopped'}`,
  );
  print(
    res,
    done
      ? `node ${res.id}: ${action === 'start' ? 'started' : 'stopped'} in ${res.ms} ms`
      : `node ${res.id}: nothing to do`,
  );
  return 0;
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
