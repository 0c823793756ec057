// The DLQ replayer (issue 13): inspect and replay, as an operator runs them, over one DLQ of generated dead letters
// (5% oversized, 64–96 KiB), each timed from process start to exit.
import { fmtS, log } from './log.mjs';
import { round } from './report.mjs';
import { runWorker } from './runtime.mjs';
import { runReplayer } from './variants.mjs';

export async function measureReplayer(run) {
  const { admin, runId } = run;
  const dlq = `${runId}-replayer-dlq`;
  const target = { input: `${runId}-replayer-in`, output: `${runId}-replayer-out`, parked: `${runId}-replayer-parked` };
  await admin.createTopics([dlq, target.input, target.output, target.parked]);
  const data = await prefillDeadLetters(run, dlq, target.input);
  const env = {
    DLQ_TOPIC: dlq,
    INPUT_TOPIC: target.input,
    OUTPUT_TOPIC: target.output,
    PARKED_TOPIC: target.parked,
    REPLAYER_GROUP: admin.group(`${runId}-replayer-g`),
  };
  const inspect = await inspectRun(run, env);
  const replay = await replayRun(run, env);
  await admin.deleteTopics([dlq, target.input, target.output, target.parked]);
  return { data, inspect, replay, inspectTargetMet: inspect.elapsedMs < 60_000 };
}

function prefillDeadLetters(run, topic, inputTopic) {
  const { config } = run;
  log(`replayer: prefilling ${topic} with ${config.replayerCount} dead letters (5% oversized)`);
  return runWorker(
    run.bundles.generate,
    'prefill-dlq',
    {
      brokers: config.brokers,
      topic,
      inputTopic,
      count: config.replayerCount,
      oversizedShare: 0.05,
      seed: config.seed,
    },
    { timeoutMs: 1_800_000 },
  ).result;
}

async function inspectRun(run, env) {
  log('replayer: inspect');
  const inspected = await runReplayer(run.ctx, ['inspect', '--json', '--sample', '0'], env);
  const summary = JSON.parse(inspected.stdout).summary;
  if (summary.total !== run.config.replayerCount)
    throw new Error(`inspect counted ${summary.total} of ${run.config.replayerCount} dead letters`);
  const inspect = measure(inspected, summary.total);
  log(
    `replayer inspect: ${inspect.rps} records/s (${fmtS(inspect.elapsedMs)}, peak RSS ${Math.round((inspect.peakRssBytes ?? 0) / 1048576)} MiB)`,
  );
  return inspect;
}

async function replayRun(run, env) {
  log('replayer: replay');
  const replayed = await runReplayer(run.ctx, ['replay', '--json', '--no-progress'], env);
  const report = JSON.parse(replayed.stdout);
  if (report.replayed.total !== run.config.replayerCount)
    throw new Error(
      `replay moved ${report.replayed.total} of ${run.config.replayerCount} dead letters (${report.outcome})`,
    );
  const replay = measure(replayed, report.replayed.total);
  log(
    `replayer replay: ${replay.rps} records/s (${fmtS(replay.elapsedMs)}, peak RSS ${Math.round((replay.peakRssBytes ?? 0) / 1048576)} MiB)`,
  );
  return replay;
}

function measure(r, records) {
  return {
    records,
    elapsedMs: r.elapsedMs,
    rps: Math.round((records * 1000) / Math.max(1, r.elapsedMs)),
    cpuUsPerRecord: round((r.cpuMs * 1000) / Math.max(1, records), 1),
    peakRssBytes: r.peakRssBytes,
    brokerUsPerRecord: r.brokerCpuMs == null ? null : round((r.brokerCpuMs * 1000) / Math.max(1, records), 1),
  };
}
