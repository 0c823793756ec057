// The report: one JSON document of the run, written with its Markdown and SVG renderings, then the text tables
// and a one-line JSON summary on stdout.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { renderSvg, renderText } from './report.mjs';
import { deployedRuntimeEnv } from './deployed-runtime.mjs';
import { machine, repoRoot, versions } from './runtime.mjs';

/** How to read the figures; the naive line names the run's --naive-count. */
function notes(config) {
  return [
    'Every variant drains the same prefilled topic from a new consumer group, in its own child process, interleaved over the rounds; figures are medians.',
    'records/s: from the first record handed to the variant to the commit of the last one (group join excluded).',
    `naive: eachMessage with one awaited send and one awaited commit per record, on the first ${config.naiveCount} records only.`,
    'broker ceiling: min(ConsumerPerformance fetch.nMsg.sec, ProducerPerformance records/sec with acks=all); their client CPU includes JVM start.',
    'broker CPU: utime+stime of the broker process over the measured window; other work on the shared broker is included.',
    'latency: output LogAppendTime − input CreateTime (set by the load producer at send); the first second of each run is left out as warm-up.',
    "kafka-streams: the processor's job as a Kafka Streams app in its own JVM (tools/bench/kafka-streams), watched like the app: ready at STATE RUNNING, done when its application.id has committed the end offsets; ratios processor ÷ kafka-streams.",
    'replayer: the dlq-replayer command line, wall time from process start to exit (connecting included); inspect reads the whole DLQ, replay re-publishes every dead letter (one transaction per chunk).',
  ];
}

/** The results document; `phases` holds what each phase measured (null where it was skipped). */
export function resultsDoc(run, phases) {
  const { config } = run;
  const doc = {
    run: {
      id: run.runId,
      mode: config.mode,
      startedAt: new Date(run.started).toISOString(),
      durationS: null,
      command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
      commit: gitCommit(),
    },
    machine: machine(),
    versions: { ...versions(), broker: run.broker.version ?? null },
    appRuntime: deployedRuntimeEnv(),
    config: {
      ...config,
      tuning: run.tuning,
      tuningOverrides: config.tuning,
      skip: [...config.skip],
      out: path.relative(process.cwd(), config.out) || '.',
    },
    data: {
      main: phases.data.main,
      invalid: phases.data.invalid ?? null,
      invalidNoOversized: phases.data.invalidSmall ?? null,
    },
    warmup: phases.throughput.warmup.map((w) => ({ variant: w.variant, rps: w.rps })),
    throughput: {
      variants: phases.throughput.variants.map(({ details, ...v }) => ({
        ...v,
        details: details?.map(({ rssTimeline, ...d }) => d),
      })),
    },
    ratios: phases.throughput.ratios,
    latency: phases.latency,
    core: phases.core ?? null,
    sweep: phases.sweep,
    profiles: phases.profiles ?? null,
    memory: phases.memory ?? null,
    replayer: phases.replayer ?? null,
    notes: notes(config),
  };
  doc.run.durationS = Math.round((Date.now() - run.started) / 1000);
  return doc;
}

/** Writes bench-<mode>.json, .md and .svg under --out and prints the tables and the summary line. */
export function writeResults(run, doc, rps) {
  fs.mkdirSync(run.config.out, { recursive: true });
  const base = path.join(run.config.out, `bench-${run.config.mode}`);
  fs.writeFileSync(`${base}.json`, `${JSON.stringify(doc, null, 2)}\n`);
  fs.writeFileSync(`${base}.svg`, renderSvg(doc));
  const text = renderText(doc);
  // The same tables as stdout, as Markdown tools/bench/results/README.md can quote.
  fs.writeFileSync(`${base}.md`, `${text}\n`);
  process.stdout.write(
    `${text}\n\nresults: ${path.relative(process.cwd(), base)}.json, .md, .svg (${doc.run.durationS} s)\n`,
  );
  process.stdout.write(`${JSON.stringify(summaryLine(run, doc, rps, base))}\n`);
}

/** The one-line summary the smoke test and scripts read: the headline figures of the run. */
function summaryLine(run, doc, rps, base) {
  const { latency, ratios, replayer } = doc;
  const lat = (rate, v, k) => latency.find((l) => l.rate === rate)?.variants.find((x) => x.variant === v)?.[k] ?? null;
  const firstRate = latency[0]?.rate;
  return {
    run: run.runId,
    mode: run.config.mode,
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
    kafka_streams_rps: rps('kafkaStreams'),
    kafka_streams_exactly_once_rps: rps('kafkaStreamsExactlyOnce'),
    ratio_kafka_streams: ratios.processor_over_kafka_streams,
    ratio_kafka_streams_cpu: ratios.processor_cpu_over_kafka_streams,
    ratio_kafka_streams_rss: ratios.processor_rss_over_kafka_streams,
    latency_rate: firstRate ?? null,
    processor_p99_ms: lat(firstRate, 'processor', 'p99'),
    passthrough_p99_ms: lat(firstRate, 'passthrough', 'p99'),
    ratio_p99: latency[0]?.p99Ratio ?? null,
    replayer_inspect_rps: replayer?.inspect?.rps ?? null,
    replayer_replay_rps: replayer?.replay?.rps ?? null,
    results: `${path.relative(process.cwd(), base)}.json`,
  };
}

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
