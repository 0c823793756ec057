#!/usr/bin/env node
// The benchmark harness (issue 7): how fast the processor drains a backlog next to the best it could be, in one run,
// on one broker, on the same data. See tools/bench/README.md; `node tools/bench/bench.mjs --help` for the flags.
//
// This file runs the phases in order; each lives in its own module under lib/: options (the flags), prefill (the
// data), drains (throughput), latency, extra-runs (core, profile, sweep, memory), replayer, results (report).
import crypto from 'node:crypto';
import fs from 'node:fs';
import { measureThroughput } from './lib/drains.mjs';
import { measureCore, measureMemory, profileDrains, sweepTunings } from './lib/extra-runs.mjs';
import { measureLatency } from './lib/latency.mjs';
import { errorSummary, log } from './lib/log.mjs';
import { parseOptions } from './lib/options.mjs';
import { dataTopics, prefillData } from './lib/prefill.mjs';
import { measureReplayer } from './lib/replayer.mjs';
import { resultsDoc, writeResults } from './lib/results.mjs';
import { buildWorkers, createAdmin, localBroker, runWorker } from './lib/runtime.mjs';
import { APP_ENV } from './lib/variants.mjs';

async function main() {
  const config = parseOptions(process.argv.slice(2));
  const runId = `bench-${Date.now().toString(36)}-${crypto.randomBytes(2).toString('hex')}`;
  const started = Date.now();
  log(
    `${runId}: ${config.mode} mode, ${config.count} records, ${config.rounds} rounds, brokers ${config.brokers.join(',')}`,
  );
  const run = await setUp(config, runId, started);
  const interruption = cleanUpOnSignal(run.admin);
  const topics = dataTopics(run);
  try {
    const phases = await runPhases(run, topics);
    writeResults(run, resultsDoc(run, phases), phases.throughput.rps);
  } finally {
    fs.rmSync(topics.payloadFile, { force: true });
    if (!interruption.interrupted) await run.admin.cleanup();
  }
}

/**
 * Everything the phases share: the bundled workers, the broker (its pid for CPU figures), one admin client that
 * deletes the run's topics and groups at the end, the runner tuning, and `name()` for unique topic names.
 */
async function setUp(config, runId, started) {
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
  let seq = 0;
  const name = (what) => `${runId}-${what}-${++seq}`;
  return { config, runId, started, bundles, broker, admin, tuning, ctx, name };
}

/** Ctrl-C deletes this run's topics before exiting; a second one exits at once. */
function cleanUpOnSignal(admin) {
  const state = { interrupted: false };
  const onSignal = () => {
    if (state.interrupted) process.exit(130);
    state.interrupted = true;
    log("interrupted: deleting this run's topics");
    admin.cleanup().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return state;
}

/** The phases in order; a skipped one leaves its entry empty. */
async function runPhases(run, topics) {
  const { config } = run;
  const data = await prefillData(run, topics);
  const throughput = await measureThroughput(run, topics);
  const latency = config.skip.has('latency') ? [] : await measureLatency(run, throughput.rps('processor'));
  const core = config.skip.has('core') ? undefined : await measureCore(run);
  const profiles = config.profile ? await profileDrains(run, topics.main) : undefined;
  const sweep = config.sweep ? await sweepTunings(run, topics.main) : [];
  const memory = config.memoryCount > 0 && !config.skip.has('memory') ? await measureMemory(run) : undefined;
  const replayer = config.replayerCount > 0 && !config.skip.has('replayer') ? await replayerPhase(run) : undefined;
  return { data, throughput, latency, core, profiles, sweep, memory, replayer };
}

/** A replayer failure is reported in the results, not a reason to lose the figures measured before it. */
async function replayerPhase(run) {
  try {
    return await measureReplayer(run);
  } catch (err) {
    log(`replayer FAILED: ${String(err.message).split('\n').slice(0, 6).join('\n')}`);
    return { error: errorSummary(String(err.message)) };
  }
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
