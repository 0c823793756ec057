// up / down: start (or reuse) and stop the whole cluster.
import fs from 'node:fs';
import path from 'node:path';
import { API_PORT_OFFSET } from '../proxy.mjs';
import { checkPrerequisites, ensureJars, kafkaVersion } from './install.mjs';
import { addLease } from './leases.mjs';
import { formatStorage, kafkaUuid, log4jConfig, nodeLayout, serverProperties } from './node-config.mjs';
import { answers, brokerAnswers, portOpen, probe } from './probe.mjs';
import {
  bootstrap,
  logTail,
  pidAlive,
  readPid,
  readState,
  runningNodes,
  spawnNode,
  stopNodes,
  withLock,
  writeState,
} from './processes.mjs';
import { proxyAlive, proxyAnswer, startProxy, stopProxy } from './proxy-process.mjs';
import {
  BASE_PORT,
  checkSettings,
  ConflictError,
  CONTROLLER_PORT_OFFSET,
  leaseDir,
  lockDir,
  log,
  runDir,
  sleep,
  START_TIMEOUT_MS,
  stateFile,
} from './settings.mjs';

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
export async function checkPortsFree(nodes, { proxied = false } = {}) {
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

/** Polls until `ready()` holds; fails when a started node dies, at the deadline, or when `signal` aborts. */
export async function waitUntil(started, ready, { signal, what }) {
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
