// The benchmark's plumbing: bundling the TypeScript workers, forking them, topics and groups, reading topics back,
// the broker's CPU time, and Kafka's own perf tools. bench.mjs composes these into the measurement plan.
import { fork, spawn, execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const benchDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = path.resolve(benchDir, '../..');
const require = createRequire(path.join(repoRoot, 'package.json'));
const { Kafka, logLevel } = require('kafkajs');

const buildDir = path.join(benchDir, '.build');

/**
 * Bundles the workers with esbuild: workspace code (tsconfig paths, apps' cores) inlined, npm packages external,
 * so a worker runs exactly the code in the working tree. A failure names the missing piece (e.g. a library whose
 * exports have not landed yet).
 */
export async function buildWorkers() {
  const esbuild = require('esbuild');
  fs.mkdirSync(buildDir, { recursive: true });
  const out = {};
  const entries = {
    generate: path.join(benchDir, 'src/generate.ts'),
    variant: path.join(benchDir, 'src/variant.ts'),
    core: path.join(benchDir, 'src/core.ts'),
    // The processor service, bundled as `nx build processor` does (esbuild, CommonJS, npm packages external).
    processor: path.join(repoRoot, 'apps/processor/src/main.ts'),
    // The DLQ replayer command line, likewise.
    replayer: path.join(repoRoot, 'apps/dlq-replayer/src/main.ts'),
  };
  for (const [name, entry] of Object.entries(entries)) {
    const outfile = path.join(buildDir, `${name}.cjs`);
    try {
      await esbuild.build({
        entryPoints: [entry],
        bundle: true,
        platform: 'node',
        target: 'node20',
        format: 'cjs',
        tsconfig: path.join(repoRoot, 'tsconfig.base.json'),
        packages: 'external',
        outfile,
        logLevel: 'silent',
        absWorkingDir: repoRoot,
      });
    } catch (err) {
      const messages = (err.errors ?? []).map((e) => `  ${e.location?.file}:${e.location?.line}: ${e.text}`).join('\n');
      throw new Error(`cannot bundle ${path.relative(repoRoot, entry)}:\n${messages || err.message}`);
    }
    out[name] = outfile;
  }
  return out;
}

/**
 * Forks a worker (`generate` or `variant` bundle) with a command and options. Resolves with its 'done' result;
 * `onMessage` sees the others ('ready', 'first', 'measured', …). Rejects with the tail of its stderr.
 */
export function runWorker(
  bundle,
  command,
  options,
  { onMessage = () => undefined, timeoutMs = 300_000, execArgv = [] } = {},
) {
  const child = fork(bundle, [command, JSON.stringify(options)], {
    cwd: repoRoot,
    execArgv,
    env: { ...process.env, KAFKAJS_NO_PARTITIONER_WARNING: '1' },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  const stderr = [];
  child.stderr.on('data', (d) => {
    stderr.push(...d.toString('utf8').split('\n').filter(Boolean));
    if (stderr.length > 40) stderr.splice(0, stderr.length - 40);
  });
  const result = new Promise((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      child.kill('SIGKILL');
      reject(new Error(`${command} worker timed out after ${timeoutMs} ms\n${stderr.join('\n')}`));
    }, timeoutMs);
    child.on('message', (m) => {
      if (m.type === 'done') {
        settled = true;
        clearTimeout(timer);
        resolve(m.result);
      } else if (m.type === 'error') {
        settled = true;
        clearTimeout(timer);
        reject(new Error(`${command} worker failed: ${m.message}\n${stderr.join('\n')}`));
      } else {
        onMessage(m);
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (!settled) {
        settled = true;
        reject(new Error(`${command} worker exited (${code ?? signal}) without a result\n${stderr.join('\n')}`));
      }
    });
  });
  return { child, result };
}

/** CPU time (user + system) of a process so far, ms; undefined when it cannot be read. */
export function processCpuMs(pid) {
  if (!pid) return undefined;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After "pid (comm) ", field 3 (state) is index 0: utime is field 14, stime field 15.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks();
  } catch {
    return undefined;
  }
}

let ticks;
function clockTicks() {
  if (ticks === undefined) {
    try {
      ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticks = 100;
    }
  }
  return ticks;
}

/** The local broker of tools/kafka, if it is the one at `brokers`: its pid (for CPU) and version. */
export function localBroker(brokers) {
  try {
    const out = execFileSync(process.execPath, [path.join(repoRoot, 'tools/kafka/kafka.mjs'), 'status', '--json'], {
      encoding: 'utf8',
      cwd: repoRoot,
    });
    const status = JSON.parse(out);
    const ours = status.running && brokers.includes(status.bootstrap?.split(',')[0]);
    return { pid: ours && status.nodes?.length === 1 ? status.nodes[0].pid : undefined, version: status.version };
  } catch {
    return { pid: undefined, version: undefined };
  }
}

export function machine() {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    memoryBytes: os.totalmem(),
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverage1m: Number(os.loadavg()[0].toFixed(2)),
  };
}

export function versions() {
  return { node: process.version, kafkajs: require('kafkajs/package.json').version };
}

/** Topics and groups of one run, created with unique names and deleted at the end. */
/** Cleanup that may fail without failing the run (a leftover bench topic is not worth one): said, not thrown. */
async function bestEffort(what, promise) {
  try {
    await promise;
  } catch (err) {
    process.stderr.write(`[bench] ${what} failed, left as it is: ${err.message}\n`);
  }
}

export function createAdmin(brokers) {
  const kafka = new Kafka({ clientId: 'bench-admin', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const topics = new Set();
  const groups = new Set();
  return {
    kafka,
    connect: () => admin.connect(),
    async createTopics(names, { partitions = 3, logAppendTime = false } = {}) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: names.map((topic) => ({
          topic,
          numPartitions: partitions,
          configEntries: logAppendTime ? [{ name: 'message.timestamp.type', value: 'LogAppendTime' }] : [],
        })),
      });
      names.forEach((t) => topics.add(t));
    },
    async deleteTopics(names) {
      if (names.length === 0) return;
      await bestEffort('deleting topics', admin.deleteTopics({ topics: names, timeout: 30_000 }));
      names.forEach((t) => topics.delete(t));
    },
    group(name) {
      groups.add(name);
      return name;
    },
    /** High watermark per partition. */
    async endOffsets(topic) {
      const offsets = await admin.fetchTopicOffsets(topic);
      return new Map(offsets.map((p) => [p.partition, Number(p.high)]));
    },
    /** Has `groupId` committed every partition of `topic` up to `ends`? */
    async committedReached(groupId, topic, ends) {
      const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
      const committed = new Map((entry?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
      for (const [partition, end] of ends) {
        if (end > 0 && !((committed.get(partition) ?? -1) >= end)) return false;
      }
      return true;
    },
    /** Deletes every topic and group this run created (best effort: a leftover topic is not worth a failure). */
    async cleanup() {
      await bestEffort('deleting topics', admin.deleteTopics({ topics: [...topics], timeout: 30_000 }));
      await bestEffort('deleting groups', admin.deleteGroups([...groups]));
      topics.clear();
      groups.clear();
      await bestEffort('disconnecting the admin client', admin.disconnect());
    },
  };
}

/**
 * Reads `expected` records of a topic from the start: [partition, offset, key, timestamp] each, ordered by
 * partition and offset. Used after a latency run, outside the measured window.
 */
export async function readTopic(kafka, topic, expected, groupId, timeoutMs = 120_000) {
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
  const rows = [];
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  let resolveAll;
  const all = new Promise((r) => (resolveAll = r));
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      for (const m of batch.messages) {
        rows.push([batch.partition, Number(m.offset), m.key ? m.key.toString('utf8') : '', Number(m.timestamp)]);
      }
      if (rows.length >= expected) resolveAll();
    },
  });
  let timer;
  await Promise.race([all, new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
  clearTimeout(timer);
  await consumer.disconnect();
  rows.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return rows;
}

const javaLibs = () => path.join(os.homedir(), '.cache/login-pipeline', `kafka-${kafkaVersionFromPom()}`, 'libs', '*');

function kafkaVersionFromPom() {
  const pom = fs.readFileSync(path.join(repoRoot, 'tools/kafka/pom.xml'), 'utf8');
  return /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom)?.[1] ?? '4.4.0';
}

/**
 * Runs one of Kafka's tool classes with the jars tools/kafka fetched. The tool's CPU time (JVM start included)
 * comes from the waiting shell's cutime/cstime, since the JVM's own /proc entry is gone when it exits.
 */
export function runKafkaTool(mainClass, args, timeoutMs = 180_000) {
  const script =
    'java -Xmx512m -cp "$BENCH_CP" "$@"; rc=$?; read -r -a s < /proc/$$/stat; echo "__CPU_TICKS__ ${s[15]} ${s[16]}"; exit $rc';
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script, 'bench-java', mainClass, ...args], {
      env: { ...process.env, BENCH_CP: javaLibs() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      const m = /__CPU_TICKS__ (\d+) (\d+)/.exec(out);
      const cpuMs = m ? ((Number(m[1]) + Number(m[2])) * 1000) / clockTicks() : undefined;
      if (code !== 0) reject(new Error(`${mainClass} exited ${code}\n${err.slice(-2000)}\n${out.slice(-2000)}`));
      else resolve({ stdout: out.replace(/__CPU_TICKS__.*\n?/, ''), cpuMs });
    });
  });
}
