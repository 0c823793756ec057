// The phases after throughput and latency, each optional: the pure core alone, V8 CPU profiles of a real drain,
// the runner tunings sweep, and the RSS of a large backlog.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { drain } from './drains.mjs';
import { errorSummary, log } from './log.mjs';
import { summariseProfile } from './profile.mjs';
import { median, ratio } from './report.mjs';
import { runWorker } from './runtime.mjs';

/** Runner tunings compared by --sweep (issue item 7): each against the default, interleaved. */
const SWEEP = [
  { label: 'app defaults', tuning: {} },
  { label: 'chunk 250', tuning: { maxRecordsPerChunk: 250 } },
  { label: 'chunk 5000', tuning: { maxRecordsPerChunk: 5000 } },
  { label: 'chunk 5000 + 4 MiB/partition', tuning: { maxRecordsPerChunk: 5000, maxBytesPerPartition: 4_194_304 } },
  { label: '1 partition at a time', tuning: { partitionsConsumedConcurrently: 1 } },
];

/** The pure core alone (no Kafka): where a record's CPU goes. */
export async function measureCore(run) {
  log('timing the pure core (no Kafka)');
  return runWorker(run.bundles.core, 'core', {
    count: run.config.coreCount,
    invalidRatio: 0,
    seed: run.config.seed,
    rounds: 5,
  }).result;
}

/** Where the CPU goes in a real drain: a V8 CPU profile of the processor core and of passthrough. */
export async function profileDrains(run, input) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${run.runId}-prof-`));
  const profiles = {};
  try {
    for (const variant of ['processor', 'passthrough']) {
      const file = path.join(dir, `${variant}.cpuprofile`);
      log(`profiling ${variant === 'processor' ? 'processor core' : variant}`);
      const r = await drain(run, variant, input, run.config.count, { profileFile: file });
      profiles[variant === 'processor' ? 'processorCore' : variant] = {
        rps: r.rps,
        cpuUsPerRecord: r.cpuUsPerRecord,
        ...summariseProfile(file, run.bundles.variant),
      };
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return profiles;
}

/** Runner tunings (issue item 7), interleaved with the default; each row compared with the first. */
export async function sweepTunings(run, input) {
  const sweepRuns = SWEEP.map(() => []);
  for (let round_ = 0; round_ < run.config.rounds; round_++) {
    for (const [i, s] of SWEEP.entries()) {
      try {
        const r = await drain(run, 'app', input, run.config.count, { tuning: { ...run.tuning, ...s.tuning } });
        log(`sweep round ${round_ + 1} ${s.label}: ${r.rps} records/s`);
        sweepRuns[i].push(r);
      } catch (err) {
        log(`sweep round ${round_ + 1} ${s.label} FAILED: ${String(err.message).split('\n')[0]}`);
        sweepRuns[i].push({ rps: null, error: String(err.message).slice(0, 2000) });
      }
    }
  }
  const base = median(sweepRuns[0].map((r) => r.rps));
  return SWEEP.map((s, i) => sweepRow(s, sweepRuns[i], base));
}

function sweepRow(s, rs, base) {
  const ok = rs.filter((r) => !r.error);
  const m = median(rs.map((r) => r.rps));
  return {
    label: s.label,
    tuning: s.tuning,
    rps: m,
    vsDefault: ratio(m, base),
    runs: rs.map((r) => r.rps),
    cpuUsPerRecord: median(ok.map((r) => r.cpuUsPerRecord)),
    peakRssBytes: median(ok.map((r) => r.peakRssBytes)),
    failures: rs.filter((r) => r.error).length,
    ...(rs.some((r) => r.error) ? { firstError: errorSummary(rs.find((r) => r.error).error) } : {}),
  };
}

/** Memory: a large backlog drained by the processor, RSS sampled every 500 ms. */
export async function measureMemory(run) {
  const { admin, config } = run;
  const topic = `${run.runId}-mem-in`;
  await admin.createTopics([topic]);
  log(`memory run: prefilling ${config.memoryCount} events`);
  await runWorker(
    run.bundles.generate,
    'prefill',
    { brokers: config.brokers, topic, count: config.memoryCount, invalidRatio: config.invalidShare, seed: config.seed },
    { timeoutMs: 900_000 },
  ).result;
  log('memory run: draining');
  let r;
  try {
    r = await drain(run, 'app', topic, config.memoryCount, { memoryTimelineMs: 500 });
  } catch (err) {
    log(`memory run FAILED: ${String(err.message).split('\n')[0]}`);
    r = { error: String(err.message).slice(0, 4000), records: null, rps: null, peakRssBytes: null, elapsedMs: 0 };
  }
  await admin.deleteTopics([topic]);
  return memorySummary(r);
}

/** "Bounded": the peak RSS of the drain's second half is within 25% of the first half's. */
function memorySummary(r) {
  const tl = r.rssTimeline ?? [];
  const half = (r.elapsedMs ?? 0) / 2;
  const peakOf = (xs) => (xs.length ? xs.reduce((max, x) => Math.max(max, x[1]), 0) : null);
  const first = peakOf(tl.filter(([t]) => t < half));
  const second = peakOf(tl.filter(([t]) => t >= half));
  return {
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
