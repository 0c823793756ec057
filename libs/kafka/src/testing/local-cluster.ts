import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import type { Admin } from 'kafkajs';
import { findCoordinator } from './find-coordinator';
import { toxiproxyClient } from './toxiproxy';
import type { Toxiproxy } from './toxiproxy';

const run = promisify(execFile);
const tool = path.resolve(__dirname, '../../../../tools/kafka/kafka.mjs');
// Kafka error codes a coordinator search may answer while the cluster settles: ask again, they pass.
const COORDINATOR_NOT_READY = new Set([
  14 /* COORDINATOR_LOAD_IN_PROGRESS */, 15 /* COORDINATOR_NOT_AVAILABLE */, 16 /* NOT_COORDINATOR */,
]);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface LocalClusterOptions {
  readonly brokers: 1 | 3;
  /** First broker port; take it from CLUSTER_BASE_PORTS (one entry per test file). */
  readonly basePort: number;
  /** Names the temporary run dir (data and logs of the cluster) and the test clients. */
  readonly name: string;
  /** Broker heap (LOCAL_KAFKA_HEAP); default 512m. */
  readonly heap?: string;
  /** Clients connect through toxiproxy (tools/kafka `up --proxy`); `toxiproxy` then adds the faults. */
  readonly proxy?: boolean;
}

/** What `stopNode`, `killNode` and `startNode` did, as tools/kafka reports it. */
export interface NodeChange {
  readonly id: number;
  /** False when the node already was in the state asked for. */
  readonly changed: boolean;
  readonly pid?: number;
  /** How long the tool took: until the process was gone, or until the node was back in the cluster and serving. */
  readonly ms?: number;
  /** `stopNode` only: the node ignored SIGTERM and was killed. */
  readonly forced?: boolean;
}

export interface LocalCluster {
  readonly bootstrap: string;
  /** Behind the proxy: a bootstrap that bypasses it, for the test's own reads while a toxic is on; else `bootstrap`. */
  readonly directBootstrap: string;
  readonly nodeIds: readonly number[];
  readonly runDir: string;
  /** SIGTERM (controlled shutdown); resolves when the process is gone. */
  stopNode(id: number): Promise<NodeChange>;
  /** SIGKILL (a crash); resolves when the process is gone. The cluster notices after broker.session.timeout.ms. */
  killNode(id: number): Promise<NodeChange>;
  /** Resolves when the node is back in the cluster, in the ISR of its partitions and serving those it leads. */
  startNode(id: number): Promise<NodeChange>;
  /** SIGSTOP: the node keeps its sockets open and answers nothing. */
  freezeNode(id: number): Promise<void>;
  /** SIGCONT after `freezeNode`. */
  thawNode(id: number): Promise<void>;
  /** The fault-injecting proxy in front of every broker (clusters started with `proxy: true` only). */
  readonly toxiproxy: Toxiproxy | undefined;
  /** Stops every node and deletes the run dir. */
  down(): Promise<void>;
  /** Partition → id of its leader node (-1 while it has none). */
  leaders(topic: string): Promise<Map<number, number>>;
  /** The node that leads the most partitions of `topic` (the lowest id on a tie). */
  leaderOfMost(topic: string): Promise<number>;
  /** The node that coordinates `groupId` now, by the FindCoordinator API (waits while the cluster elects one). */
  coordinator(groupId: string, timeoutMs?: number): Promise<number>;
  /**
   * Waits until each of the `partitions` partitions of `topic` has a leader among the live brokers and the leaders
   * answer ListOffsets for them (right after a restart a broker may list a partition it does not host yet); returns
   * the leaders.
   */
  waitForLeaders(topic: string, partitions: number, timeoutMs?: number): Promise<Map<number, number>>;
}

interface ToolNodeAnswer {
  readonly id: number;
  readonly stopped?: boolean;
  readonly started?: boolean;
  readonly pid?: number;
  readonly ms?: number;
  readonly forced?: boolean;
}

/**
 * A private tools/kafka cluster for fault tests: its own ports and a temporary run dir, so stopping its nodes never
 * touches the broker the other tests share. Call `down()` in `afterAll`.
 */
export async function startLocalCluster(options: LocalClusterOptions): Promise<LocalCluster> {
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), `kafka-${options.name}-`));
  const env = {
    ...process.env,
    LOCAL_KAFKA_PORT: String(options.basePort),
    LOCAL_KAFKA_RUN_DIR: runDir,
    LOCAL_KAFKA_HEAP: options.heap ?? '512m',
  };
  const kafka = async (...args: string[]): Promise<string> => {
    try {
      return (
        await run(process.execPath, [tool, ...args, '--json'], { env, timeout: 300_000, maxBuffer: 10 * 1024 * 1024 })
      ).stdout;
    } catch (err) {
      const stderr = (err as { stderr?: string }).stderr?.trim();
      throw new Error(
        `tools/kafka ${args.join(' ')} failed for cluster "${options.name}": ${stderr || (err as Error).message}`,
      );
    }
  };
  let bootstrap: string;
  let proxy: { api: string; direct: string } | undefined;
  try {
    const args = ['up', '--brokers', String(options.brokers), ...(options.proxy ? ['--proxy'] : [])];
    const answer = JSON.parse(await kafka(...args)) as { bootstrap: string; proxy?: { api: string; direct: string } };
    bootstrap = answer.bootstrap;
    proxy = answer.proxy;
  } catch (err) {
    fs.rmSync(runDir, { recursive: true, force: true });
    throw err;
  }
  const nodeIds = Array.from({ length: options.brokers }, (_, i) => i + 1);
  const frozen = new Set<number>();
  // The cluster's own admin calls bypass the proxy (its replication listener, base + 20): they must work under a toxic.
  const portOf = (id: number) => options.basePort + id - 1 + (proxy ? 20 : 0);
  const down = new Set<number>();
  const nodeCommand = async (action: 'stop' | 'kill' | 'start', id: number): Promise<NodeChange> => {
    const answer = JSON.parse(await kafka('node', action, String(id))) as ToolNodeAnswer;
    if (action === 'start') down.delete(id);
    else down.add(id);
    return {
      id: answer.id,
      changed: Boolean(action === 'start' ? answer.started : answer.stopped),
      pid: answer.pid,
      ms: answer.ms,
      forced: answer.forced,
    };
  };
  const signalNode = async (action: 'freeze' | 'thaw', id: number): Promise<void> => {
    await kafka('node', action, String(id));
    if (action === 'freeze') frozen.add(id);
    else frozen.delete(id);
  };
  // Only the running nodes as seeds: a client that picks a stopped (or frozen) seed waits for its connection first.
  const liveSeeds = () =>
    nodeIds.filter((id) => !down.has(id) && !frozen.has(id)).map((id) => `127.0.0.1:${portOf(id)}`);
  const withAdmin = async <T>(fn: (admin: Admin) => Promise<T>, retries = 5): Promise<T> => {
    const admin = new Kafka({
      clientId: `cluster-${options.name}`,
      brokers: liveSeeds(),
      logLevel: logLevel.NOTHING,
      connectionTimeout: 2000,
      retry: { retries, initialRetryTime: 100 },
    }).admin();
    await admin.connect();
    try {
      return await fn(admin);
    } finally {
      await admin.disconnect();
    }
  };
  const leaders = (topic: string) =>
    withAdmin(async (admin) => {
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      return new Map((topics[0]?.partitions ?? []).map((p) => [p.partitionId, p.leader]));
    });

  return {
    bootstrap,
    nodeIds,
    runDir,
    stopNode: (id) => nodeCommand('stop', id),
    killNode: (id) => nodeCommand('kill', id),
    startNode: (id) => nodeCommand('start', id),
    freezeNode: (id) => signalNode('freeze', id),
    thawNode: (id) => signalNode('thaw', id),
    directBootstrap: proxy?.direct ?? bootstrap,
    toxiproxy: proxy === undefined ? undefined : toxiproxyClient(proxy.api, nodeIds),
    async down() {
      for (const id of frozen) await signalNode('thaw', id); // a frozen broker ignores SIGTERM until thawed
      await kafka('down', '--purge');
      fs.rmSync(runDir, { recursive: true, force: true });
    },
    leaders,
    async leaderOfMost(topic) {
      const counts = new Map<number, number>();
      for (const leader of (await leaders(topic)).values())
        if (leader >= 0) counts.set(leader, (counts.get(leader) ?? 0) + 1);
      if (counts.size === 0) throw new Error(`no partition of ${topic} has a leader`);
      return [...counts].sort(([a, na], [b, nb]) => nb - na || a - b)[0]![0];
    },
    async coordinator(groupId, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      let last = 'no answer yet';
      for (;;) {
        for (const id of nodeIds.filter((n) => !down.has(n))) {
          const answer = await findCoordinator({ host: '127.0.0.1', port: portOf(id) }, groupId).catch(
            (err: Error) => err,
          );
          if (answer instanceof Error) {
            last = `node ${id}: ${answer.message}`;
            continue;
          }
          if (answer.errorCode === 0) return answer.nodeId;
          last = `node ${id} answered error ${answer.errorCode}${answer.errorMessage ? ` (${answer.errorMessage})` : ''}`;
          if (!COORDINATOR_NOT_READY.has(answer.errorCode))
            throw new Error(`FindCoordinator for group ${groupId}: ${last}`);
        }
        if (Date.now() > deadline)
          throw new Error(`no coordinator for group ${groupId} within ${timeoutMs} ms: ${last}`);
        await sleep(200);
      }
    },
    async waitForLeaders(topic, partitions, timeoutMs = 120_000) {
      const deadline = Date.now() + timeoutMs;
      let last = 'not asked yet';
      for (;;) {
        try {
          const found = await withAdmin(async (admin) => {
            const live = new Set((await admin.describeCluster()).brokers.map((b) => b.nodeId));
            const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
            const leaderOf = new Map((topics[0]?.partitions ?? []).map((p) => [p.partitionId, p.leader]));
            const missing = Array.from({ length: partitions }, (_, p) => p).filter(
              (p) => !live.has(leaderOf.get(p) ?? -1),
            );
            if (missing.length > 0) {
              last = `partitions ${missing.join(', ')} have no live leader`;
              return undefined;
            }
            await admin.fetchTopicOffsets(topic); // each leader answers for its partitions, or this throws
            return leaderOf;
          }, 0);
          if (found) return found;
        } catch (err) {
          last = (err as Error).message;
        }
        if (Date.now() > deadline) throw new Error(`timed out waiting for leaders of ${topic}: ${last}`);
        await sleep(200);
      }
    },
  };
}
