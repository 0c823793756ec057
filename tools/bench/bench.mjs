#!/usr/bin/env node
// The benchmark harness (issue 7): how fast the processor drains a backlog next to the best it could be, in one run,
// on one broker, on the same data. See tools/bench/README.md; `node tools/bench/bench.mjs --help` for the flags.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { summariseProfile } from './lib/profile.mjs';
import { median, percentile, ratio, renderSvg, renderText, round } from './lib/report.mjs';
import { APP_ENV, runReplayer, startVariant } from './lib/variants.mjs';
import {
  benchDir,
  buildWorkers,
  createAdmin,
  localBroker,
  machine,
  processCpuMs,
  readTopic,
  runKafkaTool,
  repoRoot,
  runWorker,
  versions,
} from './lib/runtime.mjs';

const MODES = {
  full: {
    count: 200_000,
    rounds: 3,
    naiveCount: 10_000,
    rates: '1000,5000,half',
    latencySeconds: 15,
    memoryCount: 1_000_000,
    warmup: true,
    coreCount: 20_000,
    replayerCount: 100_000,
  },
  quick: {
    count: 20_000,
    rounds: 3,
    naiveCount: 1_500,
    rates: '1000,half',
    latencySeconds: 5,
    memoryCount: 0,
    warmup: true,
    coreCount: 10_000,
    replayerCount: 20_000,
  },
  smoke: {
    count: 3_000,
    rounds: 1,
    naiveCount: 200,
    rates: '500',
    latencySeconds: 2,
    memoryCount: 0,
    warmup: false,
    coreCount: 2_000,
    replayerCount: 2_000,
  },
};

/** Runner tunings compared by --sweep (issue item 7): each against the default, interleaved. */
const SWEEP = [
  { label: 'app defaults', tuning: {} },
  { label: 'chunk 250', tuning: { maxRecordsPerChunk: 250 } },
  { label: 'chunk 5000', tuning: { maxRecordsPerChunk: 5000 } },
  { label: 'chunk 5000 + 4 MiB/partition', tuning: { maxRecordsPerChunk: 5000, maxBytesPerPartition: 4_194_304 } },
  { label: '1 partition at a time', tuning: { partitionsConsumedConcurrently: 1 } },
];

const HELP = `npm run bench -- [options]

Pre-fills fresh topics with generated events, then drains them with each variant in its own child process,
interleaved over several rounds: processor (libs/kafka runner + the processor's processBatch), passthrough (same
runner, identity transform), naive (eachMessage, one awaited send and commit per record; on a subset), the processor
on data with invalid events, and Kafka's ConsumerPerformance/ProducerPerformance (the broker's ceiling). Then
end-to-end latency at fixed rates, the pure core alone, (full mode) RSS while draining a 1,000,000-record backlog,
and the DLQ replayer's inspect and replay over a DLQ with 5% oversized values.

  --quick                ~2 minutes: ${MODES.quick.count} records, ${MODES.quick.rounds} rounds, latency at ${MODES.quick.rates}
  --smoke                smallest well-formed run (the test suite's): ${MODES.smoke.count} records, 1 round
  --count N              records per throughput run (default ${MODES.full.count})
  --rounds N             interleaved rounds; the median is reported (default 3)
  --naive-count N        records the naive variant drains (default ${MODES.full.naiveCount})
  --invalid-ratio R      invalid share of the main data set (default 0)
  --invalid-share R      invalid share of the second data set, compared with the main one (default 0.1)
  --rates LIST           latency rates, events/s; "half" = 50% of the processor's measured throughput
  --latency-seconds S    duration of each latency run (default ${MODES.full.latencySeconds})
  --memory-count N       backlog for the RSS run; 0 skips it (default ${MODES.full.memoryCount} in full mode)
  --replayer-count N     dead letters (5% oversized, 64–96 KiB) for the DLQ replayer's inspect and replay runs
                         (default ${MODES.full.replayerCount}; quick ${MODES.quick.replayerCount}); 0 skips them
  --tune KEY=VALUE       runner option for processor and passthrough (maxRecordsPerChunk, maxBytesPerPartition,
                         maxBytes, partitionsConsumedConcurrently, maxWaitTimeInMs); repeatable
  --sweep                also compare the processor app under several runner tunings (issue item 7)
  --profile              also drain once each with processor core and passthrough under a V8 CPU profile and
                         report self time by area (kafkajs CRC/encode/decode, ajv, crypto, our modules, GC)
  --skip LIST            leave out parts: naive, ceiling, invalid, latency, core, memory, replayer
  --seed N               data seed (default 42)
  --out DIR              where results go (default tools/bench/results)
  --brokers LIST         default KAFKA_BROKERS or 127.0.0.1:9092
  --help`;

function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean' },
      smoke: { type: 'boolean' },
      count: { type: 'string' },
      rounds: { type: 'string' },
      'naive-count': { type: 'string' },
      'invalid-ratio': { type: 'string' },
      'invalid-share': { type: 'string' },
      rates: { type: 'string' },
      'latency-seconds': { type: 'string' },
      'memory-count': { type: 'string' },
      'replayer-count': { type: 'string' },
      tune: { type: 'string', multiple: true },
      sweep: { type: 'boolean' },
      profile: { type: 'boolean' },
      skip: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      brokers: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    process.exit(0);
  }
  const mode = values.smoke ? 'smoke' : values.quick ? 'quick' : 'full';
  const d = MODES[mode];
  const int = (name, fallback) => {
    const raw = values[name];
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0) usage(`--${name} must be a non-negative integer`);
    return n;
  };
  const share = (name, fallback) => {
    const raw = values[name];
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!(n >= 0 && n < 1)) usage(`--${name} must be in [0, 1)`);
    return n;
  };
  const tuning = {};
  const known = [
    'maxRecordsPerChunk',
    'maxBytesPerPartition',
    'maxBytes',
    'partitionsConsumedConcurrently',
    'maxWaitTimeInMs',
  ];
  for (const kv of values.tune ?? []) {
    const [k, v] = kv.split('=');
    if (!known.includes(k) || !Number.isInteger(Number(v)))
      usage(`--tune ${kv}: expected one of ${known.join(', ')} = integer`);
    tuning[k] = Number(v);
  }
  const rates = (values.rates ?? d.rates)
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  for (const r of rates)
    if (r !== 'half' && !(Number(r) > 0)) usage(`--rates: ${r} is not a positive number or "half"`);
  const skip = new Set(
    (values.skip ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
  const config = {
    mode,
    count: int('count', d.count),
    rounds: Math.max(1, int('rounds', d.rounds)),
    naiveCount: int('naive-count', d.naiveCount),
    invalidRatio: share('invalid-ratio', 0),
    invalidShare: share('invalid-share', 0.1),
    rates,
    latencySeconds: int('latency-seconds', d.latencySeconds),
    memoryCount: int('memory-count', d.memoryCount),
    replayerCount: int('replayer-count', d.replayerCount),
    warmup: d.warmup,
    coreCount: d.coreCount,
    tuning,
    sweep: Boolean(values.sweep),
    profile: Boolean(values.profile),
    skip,
    seed: int('seed', 42),
    out: path.resolve(values.out ?? path.join(benchDir, 'results')),
    brokers: (values.brokers ?? process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim()),
  };
  config.naiveCount = Math.min(config.naiveCount, config.count);
  if (config.count < 1) usage('--count must be ≥ 1');
  return config;
}

function usage(message) {
  process.stderr.write(`bench: ${message}\n\n${HELP}\n`);
  process.exit(2);
}

/** The lines of a failure that say what happened (the app's error log lines), not its whole log tail. */
function errorSummary(text) {
  const lines = String(text).split('\n');
  const telling = lines.filter((l) => /"level":"error"|^\[error\]|FAILED|failed|error/i.test(l)).slice(0, 3);
  return [lines[0], ...telling].join('\n').slice(0, 1500);
}

const fmtS = (ms) => `${(ms / 1000).toFixed(1)} s`;
const log = (message) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

async function main() {
  const config = parseOptions(process.argv.slice(2));
  const runId = `bench-${Date.now().toString(36)}-${crypto.randomBytes(2).toString('hex')}`;
  const started = Date.now();
  log(
    `${runId}: ${config.mode} mode, ${config.count} records, ${config.rounds} rounds, brokers ${config.brokers.join(',')}`,
  );

  const bundles = await buildWorkers();
  const broker = localBroker(config.brokers);
  if (!broker.pid) log('the broker is not the local tools/kafka one: broker CPU will not be reported');
  const admin = createAdmin(config.brokers);
  await admin.connect();
  // Every batch variant runs with the processor app's own runner defaults (read from its config spec), so the
  // ratios compare transforms, not settings; --tune overrides them for all of them alike.
  const appDefaults = await runWorker(bundles.variant, 'app-defaults', {}).result;
  const tuning = { ...appDefaults, ...config.tuning };
  for (const k of Object.keys(config.tuning))
    if (!APP_ENV[k]) log(`--tune ${k}: the processor app has no setting for it; only the in-process variants use it`);
  const ctx = { bundles, brokers: config.brokers, brokerPid: broker.pid, admin };

  let interrupted = false;
  const onSignal = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    log("interrupted: deleting this run's topics");
    admin.cleanup().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let seq = 0;
  const name = (what) => `${runId}-${what}-${++seq}`;

  try {
    // --- Data: one topic per data set, read by every variant from a fresh group.
    const mainTopic = `${runId}-in`;
    const invalidTopic = `${runId}-in-invalid`;
    const invalidSmallTopic = `${runId}-in-invalid-small`;
    const payloadFile = path.join(os.tmpdir(), `${runId}-payloads.txt`);
    const withInvalid = !config.skip.has('invalid');
    await admin.createTopics(withInvalid ? [mainTopic, invalidTopic, invalidSmallTopic] : [mainTopic]);
    log(`prefilling ${mainTopic} with ${config.count} events (${config.invalidRatio * 100}% invalid)`);
    const prefillMain = await runWorker(bundles.generate, 'prefill', {
      brokers: config.brokers,
      topic: mainTopic,
      count: config.count,
      invalidRatio: config.invalidRatio,
      seed: config.seed,
      payloadFile,
    }).result;
    let prefillInvalid;
    let prefillInvalidSmall;
    if (withInvalid) {
      log(
        `prefilling ${invalidTopic} with ${config.count} events (${config.invalidShare * 100}% invalid, the generator's mix)`,
      );
      prefillInvalid = await runWorker(bundles.generate, 'prefill', {
        brokers: config.brokers,
        topic: invalidTopic,
        count: config.count,
        invalidRatio: config.invalidShare,
        seed: config.seed,
      }).result;
      // The generator's mix includes 'oversized' values (64–96 KiB each, dead-lettered byte for byte): they multiply
      // the bytes to move. This set leaves them out, to separate the cost of invalid records from that of bytes.
      log(
        `prefilling ${invalidSmallTopic} with ${config.count} events (${config.invalidShare * 100}% invalid, no oversized values)`,
      );
      prefillInvalidSmall = await runWorker(bundles.generate, 'prefill', {
        brokers: config.brokers,
        topic: invalidSmallTopic,
        count: config.count,
        invalidRatio: config.invalidShare,
        seed: config.seed,
        excludeKinds: ['oversized'],
      }).result;
    }

    /** One drain by one variant in its own process (the broker's CPU over the same window), on fresh outputs. */
    async function drain(variant, input, expected, extra = {}) {
      const tag = name(variant);
      const output = `${tag}-out`;
      const dlq = `${tag}-dlq`;
      const group = admin.group(`${tag}-g`);
      await admin.createTopics([output, dlq]);
      const timeoutMs = 120_000 + expected * (variant === 'naive' ? 20 : 2);
      const v = startVariant(ctx, variant, {
        input,
        output,
        dlq,
        group,
        tuning: extra.tuning ?? tuning,
        memoryTimelineMs: extra.memoryTimelineMs ?? 0,
        timeoutMs,
        profileFile: extra.profileFile,
      });
      try {
        await v.ready;
        return await v.measure(expected);
      } finally {
        await v.stop();
        await admin.deleteTopics([output, dlq]);
      }
    }

    /** A Kafka perf tool against the benchmark's brokers, with the CPU the broker spent while it ran. */
    async function runPerfTool(className, args) {
      const before = processCpuMs(broker.pid);
      const { stdout, cpuMs } = await runKafkaTool(className, [
        '--bootstrap-server',
        config.brokers.join(','),
        ...args,
      ]);
      const brokerCpuMs = before === undefined ? null : processCpuMs(broker.pid) - before;
      return { stdout, cpuMs, brokerCpuMs };
    }

    // The JVM's start is in the tool's CPU time, and its peak RSS is not measured: not comparable with the processor's.
    function perfToolCosts(records, { cpuMs, brokerCpuMs }) {
      return {
        cpuUsPerRecord: cpuMs == null ? null : round((cpuMs * 1000) / records, 1),
        cpuIncludesJvmStart: true,
        brokerCpuMs,
        brokerUsPerRecord: brokerCpuMs == null ? null : round((brokerCpuMs * 1000) / records, 1),
        peakRssBytes: null,
      };
    }

    async function ceilingConsumer() {
      const group = admin.group(name('consumer-perf-g'));
      const run = await runPerfTool('org.apache.kafka.tools.ConsumerPerformance', [
        '--topic',
        mainTopic,
        '--num-records',
        String(config.count),
        '--group',
        group,
        '--timeout',
        '60000',
      ]);
      const lines = run.stdout.trim().split('\n');
      const header = lines.findIndex((l) => l.startsWith('start.time'));
      const keys = lines[header].split(',').map((s) => s.trim());
      const vals = lines[header + 1].split(',').map((s) => s.trim());
      const row = Object.fromEntries(keys.map((k, i) => [k, vals[i]]));
      const records = Number(row['data.consumed.in.nMsg']);
      return {
        records,
        rps: Math.round(Number(row['fetch.nMsg.sec'])),
        rpsWithRebalance: Math.round(Number(row['nMsg.sec'])),
        ...perfToolCosts(records, run),
      };
    }

    async function ceilingProducer() {
      const topic = name('producer-perf');
      await admin.createTopics([topic]);
      const run = await runPerfTool('org.apache.kafka.tools.ProducerPerformance', [
        '--topic',
        topic,
        '--num-records',
        String(config.count),
        '--throughput',
        '-1',
        '--payload-file',
        payloadFile,
        '--command-property',
        'acks=all',
      ]);
      await admin.deleteTopics([topic]);
      const m = /(\d+) records sent, ([\d.]+) records\/sec/.exec(
        run.stdout
          .split('\n')
          .filter((l) => l.includes('records sent'))
          .pop() ?? '',
      );
      if (!m) throw new Error(`ProducerPerformance printed no summary:\n${run.stdout.slice(-1000)}`);
      const records = Number(m[1]);
      return {
        records,
        rps: Math.round(Number(m[2])),
        ...perfToolCosts(records, run),
      };
    }

    // --- Throughput, interleaved. Each entry: [key, label, run()].
    const plan = [
      ['processor', 'processor (app)', () => drain('app', mainTopic, config.count)],
      [
        'processorExactlyOnce',
        'processor (app) exactly_once',
        () => drain('app-exactly-once', mainTopic, config.count),
      ],
      ['processorCore', 'processor core (runner + processBatch)', () => drain('processor', mainTopic, config.count)],
      ['passthrough', 'passthrough', () => drain('passthrough', mainTopic, config.count)],
    ];
    if (!config.skip.has('naive') && config.naiveCount > 0) {
      plan.push(['naive', `naive (first ${config.naiveCount})`, () => drain('naive', mainTopic, config.naiveCount)]);
    }
    if (withInvalid) {
      const pc = Math.round(config.invalidShare * 100);
      plan.push(['processorInvalid', `processor (app) ${pc}% invalid`, () => drain('app', invalidTopic, config.count)]);
      plan.push([
        'processorInvalidSmall',
        `processor (app) ${pc}% invalid, none oversized`,
        () => drain('app', invalidSmallTopic, config.count),
      ]);
    }
    if (!config.skip.has('ceiling')) {
      plan.push(['ceilingConsumer', 'ConsumerPerformance', ceilingConsumer]);
      plan.push(['ceilingProducer', 'ProducerPerformance', ceilingProducer]);
    }

    const warmup = [];
    if (config.warmup) {
      for (const [key, , run] of plan.filter(([k]) => ['processor', 'processorCore', 'passthrough'].includes(k))) {
        log(`warm-up: ${key}`);
        warmup.push({ variant: key, ...(await run()) });
      }
    }
    const runs = Object.fromEntries(plan.map(([key]) => [key, []]));
    for (let round_ = 0; round_ < config.rounds; round_++) {
      // Rotate the order each round, so no variant always runs right after the same neighbour.
      const order = plan.map((_, i) => plan[(i + round_) % plan.length]);
      for (const [key, label, run] of order) {
        try {
          const r = await run();
          log(
            `round ${round_ + 1}/${config.rounds} ${label}: ${r.rps} records/s (${r.records} records, CPU ${r.cpuUsPerRecord ?? '—'} µs/rec)`,
          );
          runs[key].push(r);
        } catch (err) {
          // A variant that fails is a finding, not a reason to lose the other figures: recorded, reported, skipped.
          const error = String(err.message ?? err);
          log(`round ${round_ + 1}/${config.rounds} ${label} FAILED: ${error.split('\n').slice(0, 12).join('\n')}`);
          runs[key].push({ error: errorSummary(error), rps: null });
        }
      }
    }
    const summarise = (key, label) => {
      const all = runs[key] ?? [];
      const rs = all.filter((r) => !r.error);
      if (all.length === 0) return undefined;
      const failures = all.filter((r) => r.error).map((r) => r.error);
      return {
        key,
        label,
        records: rs[0]?.records ?? null,
        rps: median(rs.map((r) => r.rps)),
        runs: all.map((r) => r.rps),
        ...(failures.length ? { failures } : {}),
        cpuUsPerRecord: median(rs.map((r) => r.cpuUsPerRecord)),
        peakRssBytes: median(rs.map((r) => r.peakRssBytes)),
        brokerUsPerRecord: median(rs.map((r) => r.brokerUsPerRecord)),
        details: all,
      };
    };
    const variants = plan.map(([key, label]) => summarise(key, label)).filter(Boolean);
    const byKey = Object.fromEntries(variants.map((v) => [v.key, v]));
    const ceilingRuns = (runs.ceilingConsumer ?? []).map((c, i) => {
      const p = runs.ceilingProducer?.[i]?.rps;
      return c.rps == null || p == null ? null : Math.min(c.rps, p);
    });
    if (ceilingRuns.length > 0) {
      const c = {
        key: 'ceiling',
        label: 'broker ceiling',
        records: config.count,
        rps: median(ceilingRuns),
        runs: ceilingRuns,
        cpuUsPerRecord: null,
        peakRssBytes: null,
        brokerUsPerRecord: null,
      };
      variants.push(c);
      byKey.ceiling = c;
    }
    const rps = (k) => byKey[k]?.rps ?? null;
    const ratios = {
      processor_over_passthrough: ratio(rps('processor'), rps('passthrough')),
      exactly_once_over_at_least_once: ratio(rps('processorExactlyOnce'), rps('processor')),
      processor_core_over_passthrough: ratio(rps('processorCore'), rps('passthrough')),
      processor_over_naive: ratio(rps('processor'), rps('naive')),
      processor_over_ceiling: ratio(rps('processor'), rps('ceiling')),
      passthrough_over_ceiling: ratio(rps('passthrough'), rps('ceiling')),
      invalid_over_valid: ratio(rps('processorInvalid'), rps('processor')),
      invalid_no_oversized_over_valid: ratio(rps('processorInvalidSmall'), rps('processor')),
    };

    // --- Latency at fixed rates, processor and passthrough alternating.
    const latency = [];
    if (!config.skip.has('latency')) {
      const rates = config.rates.map((r) =>
        r === 'half'
          ? { label: `${Math.round(rps('processor') / 2)} (50% of max)`, rate: Math.round(rps('processor') / 2) }
          : { label: String(Number(r)), rate: Number(r) },
      );
      for (const [i, { label, rate }] of rates.entries()) {
        if (!(rate > 0)) continue;
        const order = i % 2 === 0 ? ['processor', 'passthrough'] : ['passthrough', 'processor'];
        const results = {};
        for (const variant of order) {
          results[variant] = await latencyRun(variant, rate);
          log(
            `latency ${variant} at ${rate}/s: p50 ${results[variant].p50} ms, p95 ${results[variant].p95} ms, p99 ${results[variant].p99} ms`,
          );
        }
        // exactly_once at 1,000 events/s: how much a transaction per chunk adds to the latency. Measured like the
        // others, by the outputs' append time (a read_committed reader sees them when the transaction commits, a
        // few milliseconds after the append).
        if (rate === 1000 && !config.skip.has('exactly-once')) {
          results['app-exactly-once'] = await latencyRun('app-exactly-once', rate);
          log(
            `latency processor exactly_once at ${rate}/s: p50 ${results['app-exactly-once'].p50} ms, p99 ${results['app-exactly-once'].p99} ms`,
          );
        }
        const vs = ['processor', 'passthrough', 'app-exactly-once'].filter((v) => results[v]).map((v) => results[v]);
        latency.push({
          label,
          rate,
          variants: vs,
          p99Ratio: ratio(results.processor.p99, results.passthrough.p99),
          ...(results['app-exactly-once']
            ? { exactlyOnceP99Ratio: ratio(results['app-exactly-once'].p99, results.processor.p99) }
            : {}),
        });
      }
    }

    async function latencyRun(variant, rate) {
      const tag = name(`lat-${variant}`);
      const input = `${tag}-in`;
      const output = `${tag}-out`;
      const dlq = `${tag}-dlq`;
      const group = admin.group(`${tag}-g`);
      await admin.createTopics([input]);
      // The broker stamps the output records (LogAppendTime): latency = append time of the output − CreateTime of
      // the input record, which the load producer sets when it sends.
      await admin.createTopics([output, dlq], { logAppendTime: true });
      const v = startVariant(ctx, variant === 'processor' ? 'app' : variant, {
        input,
        output,
        dlq,
        group,
        tuning,
        timeoutMs: 180_000 + config.latencySeconds * 1000,
      });
      const durationMs = config.latencySeconds * 1000;
      let loadResult;
      let drained;
      try {
        await v.ready;
        loadResult = await runWorker(
          bundles.generate,
          'load',
          { brokers: config.brokers, topic: input, rate, durationMs, seed: config.seed + 1 },
          { timeoutMs: durationMs + 120_000 },
        ).result;
        drained = await v.measure(loadResult.sent);
      } finally {
        await v.stop();
      }
      const inputs = await readTopic(admin.kafka, input, loadResult.sent, admin.group(`${tag}-read-in`));
      const outputs = await readTopic(admin.kafka, output, loadResult.sent, admin.group(`${tag}-read-out`));
      await admin.deleteTopics([input, output, dlq]);
      // Match each output to its input by key and occurrence: one key lives in one partition, whose order every
      // variant keeps, so the n-th output of a key is the n-th input of that key.
      const queues = new Map();
      for (const [, , key, ts] of inputs) {
        if (!queues.has(key)) queues.set(key, []);
        queues.get(key).push(ts);
      }
      const t0 = inputs.reduce((min, r) => Math.min(min, r[3]), Number.POSITIVE_INFINITY);
      const warmupMs = Math.min(1000, durationMs / 5);
      const lat = [];
      let unmatched = 0;
      for (const [, , key, ts] of outputs) {
        const sentAt = queues.get(key)?.shift();
        if (sentAt === undefined) unmatched += 1;
        else if (sentAt >= t0 + warmupMs) lat.push(ts - sentAt);
      }
      lat.sort((a, b) => a - b);
      return {
        variant: variant === 'app-exactly-once' ? 'processor exactly_once' : variant,
        rate,
        sent: loadResult.sent,
        achievedRate: loadResult.achievedRate,
        matched: lat.length,
        unmatched,
        warmupExcludedMs: warmupMs,
        p50: percentile(lat, 50),
        p95: percentile(lat, 95),
        p99: percentile(lat, 99),
        max: lat[lat.length - 1] ?? null,
        mean: lat.length ? round(lat.reduce((a, b) => a + b, 0) / lat.length, 1) : null,
        cpuUsPerRecord: drained.cpuUsPerRecord,
      };
    }

    // --- The pure core alone: where a record's CPU goes.
    let core;
    if (!config.skip.has('core')) {
      log('timing the pure core (no Kafka)');
      core = await runWorker(bundles.core, 'core', {
        count: config.coreCount,
        invalidRatio: 0,
        seed: config.seed,
        rounds: 5,
      }).result;
    }

    // --- Where the CPU goes in a real drain: a V8 CPU profile of the processor core and of passthrough.
    let profiles;
    if (config.profile) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${runId}-prof-`));
      profiles = {};
      try {
        for (const variant of ['processor', 'passthrough']) {
          const file = path.join(dir, `${variant}.cpuprofile`);
          log(`profiling ${variant === 'processor' ? 'processor core' : variant}`);
          const r = await drain(variant, mainTopic, config.count, { profileFile: file });
          profiles[variant === 'processor' ? 'processorCore' : variant] = {
            rps: r.rps,
            cpuUsPerRecord: r.cpuUsPerRecord,
            ...summariseProfile(file, bundles.variant),
          };
        }
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }

    // --- Runner tunings (issue item 7), interleaved with the default.
    const sweep = [];
    if (config.sweep) {
      const sweepRuns = SWEEP.map(() => []);
      for (let round_ = 0; round_ < config.rounds; round_++) {
        for (const [i, s] of SWEEP.entries()) {
          try {
            const r = await drain('app', mainTopic, config.count, { tuning: { ...tuning, ...s.tuning } });
            log(`sweep round ${round_ + 1} ${s.label}: ${r.rps} records/s`);
            sweepRuns[i].push(r);
          } catch (err) {
            log(`sweep round ${round_ + 1} ${s.label} FAILED: ${String(err.message).split('\n')[0]}`);
            sweepRuns[i].push({ rps: null, error: String(err.message).slice(0, 2000) });
          }
        }
      }
      const base = median(sweepRuns[0].map((r) => r.rps));
      const ok = (rs) => rs.filter((r) => !r.error);
      for (const [i, s] of SWEEP.entries()) {
        const rs = sweepRuns[i];
        const m = median(rs.map((r) => r.rps));
        sweep.push({
          label: s.label,
          tuning: s.tuning,
          rps: m,
          vsDefault: ratio(m, base),
          runs: rs.map((r) => r.rps),
          cpuUsPerRecord: median(ok(rs).map((r) => r.cpuUsPerRecord)),
          peakRssBytes: median(ok(rs).map((r) => r.peakRssBytes)),
          failures: rs.filter((r) => r.error).length,
          ...(rs.some((r) => r.error) ? { firstError: errorSummary(rs.find((r) => r.error).error) } : {}),
        });
      }
    }

    // --- Memory: a 1,000,000-record backlog drained by the processor, RSS sampled every 500 ms.
    let memory;
    if (config.memoryCount > 0 && !config.skip.has('memory')) {
      const topic = `${runId}-mem-in`;
      await admin.createTopics([topic]);
      log(`memory run: prefilling ${config.memoryCount} events`);
      await runWorker(
        bundles.generate,
        'prefill',
        {
          brokers: config.brokers,
          topic,
          count: config.memoryCount,
          invalidRatio: config.invalidShare,
          seed: config.seed,
        },
        { timeoutMs: 900_000 },
      ).result;
      log('memory run: draining');
      let r;
      try {
        r = await drain('app', topic, config.memoryCount, { memoryTimelineMs: 500 });
      } catch (err) {
        log(`memory run FAILED: ${String(err.message).split('\n')[0]}`);
        r = { error: String(err.message).slice(0, 4000), records: null, rps: null, peakRssBytes: null, elapsedMs: 0 };
      }
      await admin.deleteTopics([topic]);
      const tl = r.rssTimeline ?? [];
      const half = (r.elapsedMs ?? 0) / 2;
      const peakOf = (xs) => (xs.length ? xs.reduce((max, x) => Math.max(max, x[1]), 0) : null);
      const first = peakOf(tl.filter(([t]) => t < half));
      const second = peakOf(tl.filter(([t]) => t >= half));
      memory = {
        ...(r.error ? { error: r.error } : {}),
        records: r.records,
        rps: r.rps,
        peakRssBytes: r.peakRssBytes == null ? null : Math.max(r.peakRssBytes, r.maxRssBytes ?? 0),
        peakFirstHalfBytes: first,
        peakSecondHalfBytes: second,
        bounded: first != null && second != null ? second <= first * 1.25 : null,
        timeline: tl
          .filter((_, i) => i % Math.max(1, Math.ceil(tl.length / 60)) === 0)
          .map(([t, rss]) => [t, Math.round(rss / 1048576)]),
        timelineUnit: '[ms since first record, RSS MiB]',
      };
    }

    // --- The DLQ replayer (issue 13): inspect and replay, as an operator runs them, over one DLQ.
    let replayer;
    if (config.replayerCount > 0 && !config.skip.has('replayer')) {
      try {
        replayer = await replayerRuns();
      } catch (err) {
        log(`replayer FAILED: ${String(err.message).split('\n').slice(0, 6).join('\n')}`);
        replayer = { error: errorSummary(String(err.message)) };
      }
    }

    async function replayerRuns() {
      const dlq = `${runId}-replayer-dlq`;
      const target = {
        input: `${runId}-replayer-in`,
        output: `${runId}-replayer-out`,
        parked: `${runId}-replayer-parked`,
      };
      await admin.createTopics([dlq, target.input, target.output, target.parked]);
      log(`replayer: prefilling ${dlq} with ${config.replayerCount} dead letters (5% oversized)`);
      const data = await runWorker(
        bundles.generate,
        'prefill-dlq',
        {
          brokers: config.brokers,
          topic: dlq,
          inputTopic: target.input,
          count: config.replayerCount,
          oversizedShare: 0.05,
          seed: config.seed,
        },
        { timeoutMs: 1_800_000 },
      ).result;
      const env = {
        DLQ_TOPIC: dlq,
        INPUT_TOPIC: target.input,
        OUTPUT_TOPIC: target.output,
        PARKED_TOPIC: target.parked,
        REPLAYER_GROUP: admin.group(`${runId}-replayer-g`),
      };
      const measure = (r, records) => ({
        records,
        elapsedMs: r.elapsedMs,
        rps: Math.round((records * 1000) / Math.max(1, r.elapsedMs)),
        cpuUsPerRecord: round((r.cpuMs * 1000) / Math.max(1, records), 1),
        peakRssBytes: r.peakRssBytes,
        brokerUsPerRecord: r.brokerCpuMs == null ? null : round((r.brokerCpuMs * 1000) / Math.max(1, records), 1),
      });
      log('replayer: inspect');
      const inspected = await runReplayer(ctx, ['inspect', '--json', '--sample', '0'], env);
      const summary = JSON.parse(inspected.stdout).summary;
      if (summary.total !== config.replayerCount)
        throw new Error(`inspect counted ${summary.total} of ${config.replayerCount} dead letters`);
      const inspect = measure(inspected, summary.total);
      log(
        `replayer inspect: ${inspect.rps} records/s (${fmtS(inspect.elapsedMs)}, peak RSS ${Math.round((inspect.peakRssBytes ?? 0) / 1048576)} MiB)`,
      );
      log('replayer: replay');
      const replayed = await runReplayer(ctx, ['replay', '--json', '--no-progress'], env);
      const report = JSON.parse(replayed.stdout);
      if (report.replayed.total !== config.replayerCount)
        throw new Error(
          `replay moved ${report.replayed.total} of ${config.replayerCount} dead letters (${report.outcome})`,
        );
      const replay = measure(replayed, report.replayed.total);
      log(
        `replayer replay: ${replay.rps} records/s (${fmtS(replay.elapsedMs)}, peak RSS ${Math.round((replay.peakRssBytes ?? 0) / 1048576)} MiB)`,
      );
      await admin.deleteTopics([dlq, target.input, target.output, target.parked]);
      return { data, inspect, replay, inspectTargetMet: inspect.elapsedMs < 60_000 };
    }

    const doc = {
      run: {
        id: runId,
        mode: config.mode,
        startedAt: new Date(started).toISOString(),
        durationS: null,
        command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
        commit: gitCommit(),
      },
      machine: machine(),
      versions: { ...versions(), broker: broker.version ?? null },
      config: {
        ...config,
        tuning,
        tuningOverrides: config.tuning,
        skip: [...config.skip],
        out: path.relative(process.cwd(), config.out) || '.',
      },
      data: { main: prefillMain, invalid: prefillInvalid ?? null, invalidNoOversized: prefillInvalidSmall ?? null },
      warmup: warmup.map((w) => ({ variant: w.variant, rps: w.rps })),
      throughput: {
        variants: variants.map(({ details, ...v }) => ({ ...v, details: details?.map(({ rssTimeline, ...d }) => d) })),
      },
      ratios,
      latency,
      core: core ?? null,
      sweep,
      profiles: profiles ?? null,
      memory: memory ?? null,
      replayer: replayer ?? null,
      notes: [
        'Every variant drains the same prefilled topic from a new consumer group, in its own child process, interleaved over the rounds; figures are medians.',
        'records/s: from the first record handed to the variant to the commit of the last one (group join excluded).',
        `naive: eachMessage with one awaited send and one awaited commit per record, on the first ${config.naiveCount} records only.`,
        'broker ceiling: min(ConsumerPerformance fetch.nMsg.sec, ProducerPerformance records/sec with acks=all); their client CPU includes JVM start.',
        'broker CPU: utime+stime of the broker process over the measured window; other work on the shared broker is included.',
        'latency: output LogAppendTime − input CreateTime (set by the load producer at send); the first second of each run is left out as warm-up.',
        'replayer: the dlq-replayer command line, wall time from process start to exit (connecting included); inspect reads the whole DLQ, replay re-publishes every dead letter (one transaction per chunk).',
      ],
    };
    doc.run.durationS = Math.round((Date.now() - started) / 1000);

    fs.mkdirSync(config.out, { recursive: true });
    const base = path.join(config.out, `bench-${config.mode}`);
    fs.writeFileSync(`${base}.json`, `${JSON.stringify(doc, null, 2)}\n`);
    fs.writeFileSync(`${base}.svg`, renderSvg(doc));
    const text = renderText(doc);
    // The same tables as stdout, as Markdown tools/bench/results/README.md can quote.
    fs.writeFileSync(`${base}.md`, `${text}\n`);
    process.stdout.write(
      `${text}\n\nresults: ${path.relative(process.cwd(), base)}.json, .md, .svg (${doc.run.durationS} s)\n`,
    );
    const lat = (rate, v, k) =>
      latency.find((l) => l.rate === rate)?.variants.find((x) => x.variant === v)?.[k] ?? null;
    const firstRate = latency[0]?.rate;
    process.stdout.write(
      `${JSON.stringify({
        run: runId,
        mode: config.mode,
        processor_rps: rps('processor'),
        processor_exactly_once_rps: rps('processorExactlyOnce'),
        passthrough_rps: rps('passthrough'),
        naive_rps: rps('naive'),
        ceiling_rps: rps('ceiling'),
        processor_invalid_rps: rps('processorInvalid'),
        ratio_passthrough: ratios.processor_over_passthrough,
        ratio_naive: ratios.processor_over_naive,
        ratio_core_passthrough: ratios.processor_core_over_passthrough,
        ratio_ceiling: ratios.processor_over_ceiling,
        ratio_invalid: ratios.invalid_over_valid,
        ratio_invalid_no_oversized: ratios.invalid_no_oversized_over_valid,
        latency_rate: firstRate ?? null,
        processor_p99_ms: lat(firstRate, 'processor', 'p99'),
        passthrough_p99_ms: lat(firstRate, 'passthrough', 'p99'),
        ratio_p99: latency[0]?.p99Ratio ?? null,
        replayer_inspect_rps: replayer?.inspect?.rps ?? null,
        replayer_replay_rps: replayer?.replay?.rps ?? null,
        results: `${path.relative(process.cwd(), base)}.json`,
      })}\n`,
    );
  } finally {
    fs.rmSync(path.join(os.tmpdir(), `${runId}-payloads.txt`), { force: true });
    if (!interrupted) await admin.cleanup();
  }
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err.stack ?? err.message}\n`);
  process.exit(1);
});

/** The commit measured, `+dirty` when the working tree had changes (the bench bundles the working tree). */
function gitCommit() {
  try {
    const git = (...args) =>
      execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = git('status', '--porcelain', '--untracked-files=no', '--', 'apps', 'libs', 'tools/bench/src') !== '';
    return `${git('rev-parse', '--short', 'HEAD')}${dirty ? '+dirty' : ''}`;
  } catch {
    return null;
  }
}
