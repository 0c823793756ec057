// Starting one variant on one input topic, with the same life cycle for all: start → ready (joined its group: the
// measured window opens) → measure(expected) (resolves when `expected` records have a committed outcome) → stop.
// Worker variants (processor core, passthrough, naive) count their own commits; the built processor app is watched
// from outside: readiness by its /readyz, completion by its committed offsets reaching the end offsets; so is the
// Kafka Streams peer (readiness: it prints STATE RUNNING; its application.id is the group watched).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { deployedRuntimeEnv } from './deployed-runtime.mjs';
import { STREAMS_MAIN_CLASS } from './kafka-streams.mjs';
import { processCpuMs, runWorker } from './runtime.mjs';

/** The app's environment variable for each runner option it exposes. */
export const APP_ENV = {
  maxRecordsPerChunk: 'BATCH_MAX_RECORDS',
  maxBytesPerPartition: 'FETCH_MAX_BYTES_PER_PARTITION',
  partitionsConsumedConcurrently: 'PARTITIONS_CONSUMED_CONCURRENTLY',
};

const BENCH_MASKING_KEY = 'benchmark-masking-key-not-a-secret-0123456789';
const BENCH_LINEAGE_KEY = 'benchmark-lineage-key-not-a-secret-0123456789';

/** The built processor app in each processing guarantee: the variant name and the app's PROCESSING_GUARANTEE. */
const APP_VARIANTS = { app: 'at_least_once', 'app-exactly-once': 'exactly_once' };

/** The Kafka Streams peer in each processing guarantee: the variant name and its processing.guarantee. */
export const STREAMS_VARIANTS = { 'kafka-streams': 'at_least_once', 'kafka-streams-exactly-once': 'exactly_once_v2' };

export function startVariant(
  ctx,
  variant,
  { input, output, dlq, group, tuning, memoryTimelineMs = 0, timeoutMs, profileFile },
) {
  if (Object.hasOwn(STREAMS_VARIANTS, variant)) {
    return startStreams(ctx, {
      input,
      output,
      dlq,
      group,
      memoryTimelineMs,
      timeoutMs,
      guarantee: STREAMS_VARIANTS[variant],
    });
  }
  return Object.hasOwn(APP_VARIANTS, variant)
    ? startApp(ctx, {
        input,
        output,
        dlq,
        group,
        tuning,
        memoryTimelineMs,
        timeoutMs,
        guarantee: APP_VARIANTS[variant],
      })
    : startWorker(ctx, variant, { input, output, dlq, group, tuning, memoryTimelineMs, timeoutMs, profileFile });
}

function startWorker(ctx, variant, { input, output, dlq, group, tuning, memoryTimelineMs, timeoutMs, profileFile }) {
  let onReady;
  let onMeasured;
  const ready = new Promise((r) => (onReady = r));
  const measured = new Promise((r) => (onMeasured = r));
  let brokerAtStart;
  let brokerAtEnd;
  const worker = runWorker(
    ctx.bundles.variant,
    'variant',
    { variant, brokers: ctx.brokers, input, output, dlq, group, tuning, memoryTimelineMs, profileFile },
    {
      timeoutMs,
      onMessage: (m) => {
        if (m.type === 'ready') {
          brokerAtStart = processCpuMs(ctx.brokerPid);
          onReady();
        } else if (m.type === 'measured') {
          brokerAtEnd = processCpuMs(ctx.brokerPid);
          onMeasured(m.result);
        }
      },
    },
  );
  // A worker that fails before it is ready or measured must not leave these waits hanging.
  const failed = worker.result.then(() => new Promise(() => undefined));
  return {
    ready: Promise.race([ready, failed]),
    async measure(expected) {
      worker.child.send({ type: 'expect', count: expected });
      const result = await Promise.race([measured, failed]);
      return withBroker(result, brokerAtStart, brokerAtEnd);
    },
    // After its result, the worker exits by itself; wait for that, so nothing of it overlaps the next run.
    stop: async () => {
      const exited = new Promise((resolve) => {
        if (worker.child.exitCode !== null || worker.child.signalCode !== null) resolve();
        else worker.child.once('exit', resolve);
      });
      // Only the exit is awaited here: a failed result was already reported by measure.
      await worker.result.catch(() => undefined);
      await exited;
    },
  };
}

function withBroker(result, start, end) {
  const brokerCpuMs = start !== undefined && end !== undefined ? end - start : null;
  return {
    ...result,
    brokerCpuMs,
    brokerUsPerRecord: brokerCpuMs == null ? null : Number(((brokerCpuMs * 1000) / result.records).toFixed(1)),
  };
}

export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function procStatusKb(pid, field) {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The processor service itself (apps/processor/src/main.ts, bundled like `nx build processor`), as in production. */
function startApp(ctx, { input, output, dlq, group, tuning, memoryTimelineMs, timeoutMs, guarantee }) {
  let port;
  return watchedProcess(ctx, {
    what: 'processor app',
    input,
    group,
    memoryTimelineMs,
    timeoutMs,
    async spawnChild() {
      port = await freePort();
      const env = {
        PATH: process.env.PATH ?? '',
        KAFKA_BROKERS: ctx.brokers.join(','),
        INPUT_TOPIC: input,
        OUTPUT_TOPIC: output,
        DLQ_TOPIC: dlq,
        CONSUMER_GROUP: group,
        MASKING_KEY: BENCH_MASKING_KEY,
        LINEAGE_KEY: BENCH_LINEAGE_KEY,
        HTTP_PORT: String(port),
        LOG_LEVEL: 'info',
        SUMMARY_INTERVAL_MS: '10000',
        KAFKAJS_NO_PARTITIONER_WARNING: '1',
        PROCESSING_GUARANTEE: guarantee,
        ...deployedRuntimeEnv(),
      };
      for (const [option, name] of Object.entries(APP_ENV))
        if (tuning?.[option] !== undefined) env[name] = String(tuning[option]);
      return spawn(
        process.execPath,
        [
          ...(process.env.BENCH_APP_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_APP_CPU_PROF}`] : []),
          ctx.bundles.processor,
        ],
        { env, stdio: ['ignore', 'pipe', 'pipe'] },
      );
    },
    // Ready = its /readyz answers 200 (joined the group, partitions assigned).
    async isReady() {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(1000) });
        return res.status === 200;
      } catch {
        return false; // not listening yet
      }
    },
  });
}

/**
 * The Kafka Streams peer (tools/bench/kafka-streams, built by lib/kafka-streams.mjs) in its own JVM, on the same
 * topics and masking key; its application.id is the group the bench watches. -Xmx512m as for Kafka's perf tools.
 */
function startStreams(ctx, { input, output, dlq, group, memoryTimelineMs, timeoutMs, guarantee }) {
  if (!ctx.streamsClasspath) throw new Error('kafka-streams: the Streams app was not built');
  return watchedProcess(ctx, {
    what: 'kafka-streams app',
    input,
    group,
    memoryTimelineMs,
    // A JVM starts, and Streams joins its group, more slowly than the Node app.
    readyTimeoutMs: 90_000,
    timeoutMs,
    spawnChild: async () =>
      spawn('java', ['-Xmx512m', '-Dlog4j2.level=WARN', '-cp', ctx.streamsClasspath, STREAMS_MAIN_CLASS], {
        env: {
          PATH: process.env.PATH ?? '',
          ...(process.env.JAVA_HOME ? { JAVA_HOME: process.env.JAVA_HOME } : {}),
          KAFKA_BROKERS: ctx.brokers.join(','),
          INPUT_TOPIC: input,
          OUTPUT_TOPIC: output,
          DLQ_TOPIC: dlq,
          APPLICATION_ID: group,
          MASKING_KEY: BENCH_MASKING_KEY,
          PROCESSING_GUARANTEE: guarantee,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    // Ready = the app printed `STATE RUNNING` (its state listener): joined, partitions assigned, polling.
    isReady: (logs) => logs.some((l) => l.trim() === 'STATE RUNNING'),
  });
}

/**
 * A variant in a process of its own, watched from outside: ready when `isReady(logs)` says so, done when its group's
 * committed offsets reach the input's end offsets; its CPU from /proc/<pid>/stat over that window, its peak RSS
 * sampled and from VmHWM.
 */
function watchedProcess(
  ctx,
  { what, input, group, memoryTimelineMs, timeoutMs, readyTimeoutMs = 60_000, spawnChild, isReady },
) {
  const logs = [];
  let child;
  let exited;
  let t0 = 0;
  let cpu0;
  let broker0;
  let sampler;
  const timeline = [];
  let peakRss = 0;
  const fail = (why) => new Error(`${what}: ${why}\n${logs.slice(-30).join('\n')}`);

  const ready = (async () => {
    child = await spawnChild();
    const collect = (d) => {
      logs.push(...d.toString('utf8').split('\n').filter(Boolean));
      if (logs.length > 200) logs.splice(0, logs.length - 200);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => resolve(code ?? signal));
      // A command that cannot be started (ENOENT) exits with no code: said as such.
      child.on('error', (err) => resolve(err.message));
    });
    let gone = false;
    void exited.then(() => (gone = true));
    const deadline = Date.now() + readyTimeoutMs;
    for (;;) {
      if (gone) throw fail('exited before it was ready');
      if (Date.now() > deadline) throw fail(`not ready within ${readyTimeoutMs / 1000} s`);
      if (await isReady(logs)) break;
      await sleep(20);
    }
    t0 = Date.now();
    cpu0 = processCpuMs(child.pid);
    broker0 = processCpuMs(ctx.brokerPid);
    sampler = setInterval(
      () => {
        const rssKb = procStatusKb(child.pid, 'VmRSS');
        if (rssKb === undefined) return;
        peakRss = Math.max(peakRss, rssKb * 1024);
        if (memoryTimelineMs > 0) timeline.push([Date.now() - t0, rssKb * 1024]);
      },
      memoryTimelineMs > 0 ? memoryTimelineMs : 200,
    );
  })();

  return {
    ready,
    async measure(expected) {
      await ready;
      const end = await ctx.admin.endOffsets(input);
      const deadline = Date.now() + (timeoutMs ?? 600_000);
      let gone = false;
      void exited.then(() => (gone = true));
      for (;;) {
        if (gone) throw fail('exited while draining');
        if (Date.now() > deadline) throw fail(`did not commit ${expected} records in time`);
        if (await ctx.admin.committedReached(group, input, end)) break;
        await sleep(25);
      }
      const elapsedMs = Date.now() - t0;
      const cpuMs = processCpuMs(child.pid) - cpu0;
      const brokerEnd = processCpuMs(ctx.brokerPid);
      clearInterval(sampler);
      const hwm = procStatusKb(child.pid, 'VmHWM');
      const result = {
        records: expected,
        elapsedMs,
        rps: Math.round((expected * 1000) / Math.max(1, elapsedMs)),
        cpuUsPerRecord: Number(((cpuMs * 1000) / Math.max(1, expected)).toFixed(2)),
        peakRssBytes: Math.max(peakRss, (hwm ?? 0) * 1024),
        maxRssBytes: hwm === undefined ? null : hwm * 1024,
        ...(memoryTimelineMs > 0 ? { rssTimeline: timeline } : {}),
      };
      return withBroker(result, broker0, brokerEnd);
    },
    async stop() {
      clearInterval(sampler);
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/**
 * One run of the DLQ replayer command line (bundled like `nx build dlq-replayer`), as an operator runs it: wall
 * time from start to exit (process start and connecting included), its CPU and peak RSS, and its stdout (--json).
 */
export async function runReplayer(ctx, args, env, { timeoutMs = 900_000 } = {}) {
  const started = Date.now();
  const child = spawn(process.execPath, [ctx.bundles.replayer, ...args], {
    env: {
      PATH: process.env.PATH ?? '',
      KAFKA_BROKERS: ctx.brokers.join(','),
      // `replay` signs the lineage it writes: it refuses to start without a key.
      LINEAGE_KEY: BENCH_LINEAGE_KEY,
      LOG_LEVEL: 'warn',
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d.toString('utf8')));
  child.stderr.on('data', (d) => (stderr = (stderr + d.toString('utf8')).slice(-4000)));
  let peakRss = 0;
  let cpuMs = 0;
  const broker0 = processCpuMs(ctx.brokerPid);
  // Sampled while it runs: /proc/<pid> is gone once it has exited.
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, (procStatusKb(child.pid, 'VmHWM') ?? 0) * 1024);
    cpuMs = processCpuMs(child.pid) ?? cpuMs;
  }, 100);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise((resolve) => child.on('exit', (c, signal) => resolve(c ?? signal)));
  clearInterval(sampler);
  clearTimeout(timer);
  const brokerEnd = processCpuMs(ctx.brokerPid);
  if (code !== 0) throw new Error(`dlq-replayer ${args.join(' ')} exited ${code}\n${stderr}`);
  return {
    elapsedMs: Date.now() - started,
    cpuMs,
    peakRssBytes: peakRss || null,
    brokerCpuMs: broker0 === undefined || brokerEnd === undefined ? null : brokerEnd - broker0,
    stdout,
  };
}
