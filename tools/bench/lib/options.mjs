// The command line of the benchmark: its modes, the --help text and the parsing of every flag into one config.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { benchDir } from './runtime.mjs';

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

const HELP = `npm run bench -- [options]

Pre-fills fresh topics with generated events, then drains them with each variant in its own child process,
interleaved over several rounds: processor (libs/kafka runner + the processor's processBatch), passthrough (same
runner, identity transform), naive (eachMessage, one awaited send and commit per record; on a subset), the processor
on data with invalid events, the same job as a Kafka Streams app in Java (kafka-streams; built with Maven on first
use, exactly_once_v2 too in full mode), and Kafka's ConsumerPerformance/ProducerPerformance (the broker's ceiling). Then
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
  --skip LIST            leave out parts: naive, ceiling, invalid, latency, core, memory, replayer,
                         kafka-streams (both Streams variants), kafka-streams-exactly-once; --smoke never runs them
  --seed N               data seed (default 42)
  --out DIR              where results go (default tools/bench/results)
  --brokers LIST         default KAFKA_BROKERS or 127.0.0.1:9092
  --help`;

const FLAGS = {
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
};

/** The runner options --tune may set. */
const TUNABLE = [
  'maxRecordsPerChunk',
  'maxBytesPerPartition',
  'maxBytes',
  'partitionsConsumedConcurrently',
  'maxWaitTimeInMs',
];

/** The run's configuration; --help prints the usage and exits 0, a bad flag prints why and the usage and exits 2. */
export function parseOptions(argv) {
  const { values } = parseArgs({ args: argv, options: FLAGS });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    process.exit(0);
  }
  const mode = values.smoke ? 'smoke' : values.quick ? 'quick' : 'full';
  const d = MODES[mode];
  // Checked in this order, so the first bad flag is the one reported: --tune, --rates, then the numbers.
  const tuning = tuningFrom(values.tune ?? []);
  const rates = ratesFrom(values.rates ?? d.rates);
  const skip = new Set(listFrom(values.skip ?? ''));
  const int = (name, fallback) => nonNegativeInt(values, name, fallback);
  const share = (name, fallback) => shareOf(values, name, fallback);
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

function nonNegativeInt(values, name, fallback) {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) usage(`--${name} must be a non-negative integer`);
  return n;
}

function shareOf(values, name, fallback) {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!(n >= 0 && n < 1)) usage(`--${name} must be in [0, 1)`);
  return n;
}

function tuningFrom(pairs) {
  const tuning = {};
  for (const kv of pairs) {
    const [k, v] = kv.split('=');
    if (!TUNABLE.includes(k) || !Number.isInteger(Number(v)))
      usage(`--tune ${kv}: expected one of ${TUNABLE.join(', ')} = integer`);
    tuning[k] = Number(v);
  }
  return tuning;
}

function ratesFrom(list) {
  const rates = listFrom(list);
  for (const r of rates)
    if (r !== 'half' && !(Number(r) > 0)) usage(`--rates: ${r} is not a positive number or "half"`);
  return rates;
}

/** A comma-separated flag as its trimmed, non-empty items. */
function listFrom(text) {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function usage(message) {
  process.stderr.write(`bench: ${message}\n\n${HELP}\n`);
  process.exit(2);
}
