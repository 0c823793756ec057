// Throughput: every variant drains the same prefilled topic in its own process, interleaved over the rounds, next
// to the broker's ceiling (Kafka's own ConsumerPerformance and ProducerPerformance); figures are medians.
import { ensureStreamsApp } from './kafka-streams.mjs';
import { errorSummary, log } from './log.mjs';
import { median, ratio, round } from './report.mjs';
import { processCpuMs, runKafkaTool } from './runtime.mjs';
import { startVariant } from './variants.mjs';

/** One drain by one variant in its own process (the broker's CPU over the same window), on fresh outputs. */
export async function drain(run, variant, input, expected, extra = {}) {
  const { admin } = run;
  const tag = run.name(variant);
  const output = `${tag}-out`;
  const dlq = `${tag}-dlq`;
  const group = admin.group(`${tag}-g`);
  await admin.createTopics([output, dlq]);
  const timeoutMs = 120_000 + expected * (variant === 'naive' ? 20 : 2);
  const v = startVariant(run.ctx, variant, {
    input,
    output,
    dlq,
    group,
    tuning: extra.tuning ?? run.tuning,
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

/** The interleaved plan: [key, label, run()] for every variant this configuration measures. */
function throughputPlan(run, topics) {
  const { config } = run;
  const plan = [
    ['processor', 'processor (app)', () => drain(run, 'app', topics.main, config.count)],
    [
      'processorExactlyOnce',
      'processor (app) exactly_once',
      () => drain(run, 'app-exactly-once', topics.main, config.count),
    ],
    [
      'processorCore',
      'processor core (runner + processBatch)',
      () => drain(run, 'processor', topics.main, config.count),
    ],
    ['passthrough', 'passthrough', () => drain(run, 'passthrough', topics.main, config.count)],
  ];
  if (run.ctx.streamsClasspath) {
    plan.push(['kafkaStreams', 'kafka-streams (Java)', () => drain(run, 'kafka-streams', topics.main, config.count)]);
    if (streamsExactlyOnce(config)) {
      plan.push([
        'kafkaStreamsExactlyOnce',
        'kafka-streams (Java) exactly_once_v2',
        () => drain(run, 'kafka-streams-exactly-once', topics.main, config.count),
      ]);
    }
  }
  if (!config.skip.has('naive') && config.naiveCount > 0) {
    plan.push([
      'naive',
      `naive (first ${config.naiveCount})`,
      () => drain(run, 'naive', topics.main, config.naiveCount),
    ]);
  }
  if (topics.withInvalid) {
    const pc = Math.round(config.invalidShare * 100);
    plan.push([
      'processorInvalid',
      `processor (app) ${pc}% invalid`,
      () => drain(run, 'app', topics.invalid, config.count),
    ]);
    plan.push([
      'processorInvalidSmall',
      `processor (app) ${pc}% invalid, none oversized`,
      () => drain(run, 'app', topics.invalidSmall, config.count),
    ]);
  }
  if (!config.skip.has('ceiling')) {
    plan.push(['ceilingConsumer', 'ConsumerPerformance', () => ceilingConsumer(run, topics.main)]);
    plan.push(['ceilingProducer', 'ProducerPerformance', () => ceilingProducer(run, topics.payloadFile)]);
  }
  return plan;
}

/** The exactly_once_v2 Streams run: full mode only (quick must stay short), unless skipped. */
function streamsExactlyOnce(config) {
  return config.mode === 'full' && !config.skip.has('kafka-streams-exactly-once');
}

/**
 * Builds the Kafka Streams peer (cached) unless skipped or in smoke mode (its test stays quick and JVM-free): its
 * classpath goes into run.ctx; a failure is said and kept as the variant's "not run" reason, the run goes on.
 */
function prepareStreams(run) {
  const { config } = run;
  if (config.mode === 'smoke' || config.skip.has('kafka-streams')) return undefined;
  try {
    run.ctx.streamsClasspath = ensureStreamsApp();
    return undefined;
  } catch (err) {
    const reason = String(err.message ?? err).split('\n')[0];
    log(`kafka-streams: not run: ${reason}`);
    return reason;
  }
}

/** A table row for a variant that could not run at all (no runs, no figures), with the reason. */
function notRunRow(key, label, reason, records) {
  return {
    key,
    label,
    records,
    rps: null,
    runs: [],
    notRun: reason,
    cpuUsPerRecord: null,
    peakRssBytes: null,
    brokerUsPerRecord: null,
  };
}

/**
 * Warm-up (full and quick modes), then the rounds; resolves with the warm-up runs, the summarised variants (the
 * broker ceiling among them when measured), the ratios between them, and `rps(key)`, the median of one variant.
 */
export async function measureThroughput(run, topics) {
  const streamsNotRun = prepareStreams(run);
  const plan = throughputPlan(run, topics);
  const warmup = run.config.warmup ? await warmUp(plan) : [];
  const runs = await interleavedRounds(run.config.rounds, plan);
  const variants = plan.map(([key, label]) => summarise(runs, key, label)).filter(Boolean);
  const ceiling = summariseCeiling(runs, run.config.count);
  if (streamsNotRun) {
    const count = run.config.count;
    variants.push(notRunRow('kafkaStreams', 'kafka-streams (Java)', streamsNotRun, count));
    if (streamsExactlyOnce(run.config)) {
      variants.push(notRunRow('kafkaStreamsExactlyOnce', 'kafka-streams (Java) exactly_once_v2', streamsNotRun, count));
    }
  }
  if (ceiling) variants.push(ceiling);
  const byKey = Object.fromEntries(variants.map((v) => [v.key, v]));
  const rps = (k) => byKey[k]?.rps ?? null;
  return { warmup, variants, ratios: throughputRatios(rps, byKey), rps };
}

async function warmUp(plan) {
  const warmup = [];
  for (const [key, , runOnce] of plan.filter(([k]) => ['processor', 'processorCore', 'passthrough'].includes(k))) {
    log(`warm-up: ${key}`);
    warmup.push({ variant: key, ...(await runOnce()) });
  }
  return warmup;
}

async function interleavedRounds(rounds, plan) {
  const runs = Object.fromEntries(plan.map(([key]) => [key, []]));
  for (let round_ = 0; round_ < rounds; round_++) {
    // Rotate the order each round, so no variant always runs right after the same neighbour.
    const order = plan.map((_, i) => plan[(i + round_) % plan.length]);
    for (const [key, label, runOnce] of order) {
      try {
        const r = await runOnce();
        log(
          `round ${round_ + 1}/${rounds} ${label}: ${r.rps} records/s (${r.records} records, CPU ${r.cpuUsPerRecord ?? '—'} µs/rec)`,
        );
        runs[key].push(r);
      } catch (err) {
        // A variant that fails is a finding, not a reason to lose the other figures: recorded, reported, skipped.
        const error = String(err.message ?? err);
        log(`round ${round_ + 1}/${rounds} ${label} FAILED: ${error.split('\n').slice(0, 12).join('\n')}`);
        runs[key].push({ error: errorSummary(error), rps: null });
      }
    }
  }
  return runs;
}

function summarise(runs, key, label) {
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
}

/** The broker's ceiling in each round: the slower of Kafka's own consumer and producer. */
function summariseCeiling(runs, count) {
  const ceilingRuns = (runs.ceilingConsumer ?? []).map((c, i) => {
    const p = runs.ceilingProducer?.[i]?.rps;
    return c.rps == null || p == null ? null : Math.min(c.rps, p);
  });
  if (ceilingRuns.length === 0) return undefined;
  return {
    key: 'ceiling',
    label: 'broker ceiling',
    records: count,
    rps: median(ceilingRuns),
    runs: ceilingRuns,
    cpuUsPerRecord: null,
    peakRssBytes: null,
    brokerUsPerRecord: null,
  };
}

function throughputRatios(rps, byKey) {
  const of = (k, field) => byKey[k]?.[field] ?? null;
  return {
    processor_over_passthrough: ratio(rps('processor'), rps('passthrough')),
    exactly_once_over_at_least_once: ratio(rps('processorExactlyOnce'), rps('processor')),
    processor_core_over_passthrough: ratio(rps('processorCore'), rps('passthrough')),
    processor_over_naive: ratio(rps('processor'), rps('naive')),
    processor_over_ceiling: ratio(rps('processor'), rps('ceiling')),
    passthrough_over_ceiling: ratio(rps('passthrough'), rps('ceiling')),
    invalid_over_valid: ratio(rps('processorInvalid'), rps('processor')),
    invalid_no_oversized_over_valid: ratio(rps('processorInvalidSmall'), rps('processor')),
    // The processor app against its Kafka Streams peer on the same data: > 1 = the processor is faster / costlier.
    processor_over_kafka_streams: ratio(rps('processor'), rps('kafkaStreams')),
    processor_cpu_over_kafka_streams: ratio(of('processor', 'cpuUsPerRecord'), of('kafkaStreams', 'cpuUsPerRecord')),
    processor_rss_over_kafka_streams: ratio(of('processor', 'peakRssBytes'), of('kafkaStreams', 'peakRssBytes')),
    kafka_streams_exactly_once_over_at_least_once: ratio(rps('kafkaStreamsExactlyOnce'), rps('kafkaStreams')),
  };
}

/** A Kafka perf tool against the benchmark's brokers, with the CPU the broker spent while it ran. */
async function runPerfTool(run, className, args) {
  const { pid } = run.broker;
  const before = processCpuMs(pid);
  const { stdout, cpuMs } = await runKafkaTool(className, [
    '--bootstrap-server',
    run.config.brokers.join(','),
    ...args,
  ]);
  const brokerCpuMs = before === undefined ? null : processCpuMs(pid) - before;
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

async function ceilingConsumer(run, topic) {
  const group = run.admin.group(run.name('consumer-perf-g'));
  const out = await runPerfTool(run, 'org.apache.kafka.tools.ConsumerPerformance', [
    '--topic',
    topic,
    '--num-records',
    String(run.config.count),
    '--group',
    group,
    '--timeout',
    '60000',
  ]);
  const lines = out.stdout.trim().split('\n');
  const header = lines.findIndex((l) => l.startsWith('start.time'));
  const keys = lines[header].split(',').map((s) => s.trim());
  const vals = lines[header + 1].split(',').map((s) => s.trim());
  const row = Object.fromEntries(keys.map((k, i) => [k, vals[i]]));
  const records = Number(row['data.consumed.in.nMsg']);
  return {
    records,
    rps: Math.round(Number(row['fetch.nMsg.sec'])),
    rpsWithRebalance: Math.round(Number(row['nMsg.sec'])),
    ...perfToolCosts(records, out),
  };
}

async function ceilingProducer(run, payloadFile) {
  const topic = run.name('producer-perf');
  await run.admin.createTopics([topic]);
  const out = await runPerfTool(run, 'org.apache.kafka.tools.ProducerPerformance', [
    '--topic',
    topic,
    '--num-records',
    String(run.config.count),
    '--throughput',
    '-1',
    '--payload-file',
    payloadFile,
    '--command-property',
    'acks=all',
  ]);
  await run.admin.deleteTopics([topic]);
  const m = /(\d+) records sent, ([\d.]+) records\/sec/.exec(
    out.stdout
      .split('\n')
      .filter((l) => l.includes('records sent'))
      .pop() ?? '',
  );
  if (!m) throw new Error(`ProducerPerformance printed no summary:\n${out.stdout.slice(-1000)}`);
  const records = Number(m[1]);
  return { records, rps: Math.round(Number(m[2])), ...perfToolCosts(records, out) };
}
