// End-to-end latency at fixed rates: the processor and passthrough alternating at each rate (and the processor in
// exactly_once at 1,000 events/s), fed by the generator's fixed-rate load.
import { log } from './log.mjs';
import { percentile, ratio, round } from './report.mjs';
import { readTopic, runWorker } from './runtime.mjs';
import { startVariant } from './variants.mjs';

/** One entry per rate (a "half" rate is 50% of the processor's measured throughput, `processorRps`). */
export async function measureLatency(run, processorRps) {
  const latency = [];
  for (const [i, { label, rate }] of latencyRates(run.config.rates, processorRps).entries()) {
    if (!(rate > 0)) continue;
    latency.push({ label, rate, ...(await latencyAtRate(run, rate, i)) });
  }
  return latency;
}

function latencyRates(rates, processorRps) {
  return rates.map((r) =>
    r === 'half'
      ? { label: `${Math.round(processorRps / 2)} (50% of max)`, rate: Math.round(processorRps / 2) }
      : { label: String(Number(r)), rate: Number(r) },
  );
}

async function latencyAtRate(run, rate, i) {
  // Alternate which goes first, so neither always runs on a broker the other just warmed.
  const order = i % 2 === 0 ? ['processor', 'passthrough'] : ['passthrough', 'processor'];
  const results = {};
  for (const variant of order) {
    results[variant] = await latencyRun(run, variant, rate);
    log(
      `latency ${variant} at ${rate}/s: p50 ${results[variant].p50} ms, p95 ${results[variant].p95} ms, p99 ${results[variant].p99} ms`,
    );
  }
  // exactly_once at 1,000 events/s: how much a transaction per chunk adds to the latency. Measured like the
  // others, by the outputs' append time (a read_committed reader sees them when the transaction commits, a
  // few milliseconds after the append).
  if (rate === 1000 && !run.config.skip.has('exactly-once')) {
    results['app-exactly-once'] = await latencyRun(run, 'app-exactly-once', rate);
    log(
      `latency processor exactly_once at ${rate}/s: p50 ${results['app-exactly-once'].p50} ms, p99 ${results['app-exactly-once'].p99} ms`,
    );
  }
  const vs = ['processor', 'passthrough', 'app-exactly-once'].filter((v) => results[v]).map((v) => results[v]);
  return {
    variants: vs,
    p99Ratio: ratio(results.processor.p99, results.passthrough.p99),
    ...(results['app-exactly-once']
      ? { exactlyOnceP99Ratio: ratio(results['app-exactly-once'].p99, results.processor.p99) }
      : {}),
  };
}

async function latencyRun(run, variant, rate) {
  const { admin, config } = run;
  const tag = run.name(`lat-${variant}`);
  const topics = { input: `${tag}-in`, output: `${tag}-out`, dlq: `${tag}-dlq`, group: admin.group(`${tag}-g`) };
  await admin.createTopics([topics.input]);
  // The broker stamps the output records (LogAppendTime): latency = append time of the output − CreateTime of
  // the input record, which the load producer sets when it sends.
  await admin.createTopics([topics.output, topics.dlq], { logAppendTime: true });
  const durationMs = config.latencySeconds * 1000;
  const { loadResult, drained } = await loadAndDrain(run, variant, { ...topics, rate, durationMs });
  const inputs = await readTopic(admin.kafka, topics.input, loadResult.sent, admin.group(`${tag}-read-in`));
  const outputs = await readTopic(admin.kafka, topics.output, loadResult.sent, admin.group(`${tag}-read-out`));
  await admin.deleteTopics([topics.input, topics.output, topics.dlq]);
  const warmupMs = Math.min(1000, durationMs / 5);
  const { lat, unmatched } = matchLatencies(inputs, outputs, warmupMs);
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

/** Starts the variant, runs the fixed-rate load into its input, and waits until it has drained what was sent. */
async function loadAndDrain(run, variant, { input, output, dlq, group, rate, durationMs }) {
  const { config } = run;
  const v = startVariant(run.ctx, variant === 'processor' ? 'app' : variant, {
    input,
    output,
    dlq,
    group,
    tuning: run.tuning,
    timeoutMs: 180_000 + config.latencySeconds * 1000,
  });
  try {
    await v.ready;
    const loadResult = await runWorker(
      run.bundles.generate,
      'load',
      { brokers: config.brokers, topic: input, rate, durationMs, seed: config.seed + 1 },
      { timeoutMs: durationMs + 120_000 },
    ).result;
    return { loadResult, drained: await v.measure(loadResult.sent) };
  } finally {
    await v.stop();
  }
}

/**
 * Each output's latency, sorted. Outputs are matched to inputs by key and occurrence: one key lives in one
 * partition, whose order every variant keeps, so the n-th output of a key is the n-th input of that key. Records
 * sent in the first `warmupMs` are left out.
 */
function matchLatencies(inputs, outputs, warmupMs) {
  const queues = new Map();
  for (const [, , key, ts] of inputs) {
    if (!queues.has(key)) queues.set(key, []);
    queues.get(key).push(ts);
  }
  const t0 = inputs.reduce((min, r) => Math.min(min, r[3]), Number.POSITIVE_INFINITY);
  const lat = [];
  let unmatched = 0;
  for (const [, , key, ts] of outputs) {
    const sentAt = queues.get(key)?.shift();
    if (sentAt === undefined) unmatched += 1;
    else if (sentAt >= t0 + warmupMs) lat.push(ts - sentAt);
  }
  lat.sort((a, b) => a - b);
  return { lat, unmatched };
}
