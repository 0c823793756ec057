// One node: stop, kill, freeze, thaw, start (fault tests).
import fs from 'node:fs';
import { checkPortsFree, waitUntil } from './cluster.mjs';
import { ensureJars } from './install.mjs';
import { withAdmin } from './probe.mjs';
import {
  bootstrap,
  isOurProcess,
  pidAlive,
  pidFile,
  readPid,
  readState,
  runningNodes,
  spawnNode,
  stopNodes,
  withLock,
} from './processes.mjs';
import { proxyAlive } from './proxy-process.mjs';
import { checkSettings, log, runDir, sleep, STOP_TIMEOUT_MS, UsageError } from './settings.mjs';

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
