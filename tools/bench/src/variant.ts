// Child process that drains a topic with one variant (bundled by bench.mjs into .build/variant.cjs and forked once
// per measured run, so CPU time and peak RSS belong to that variant only). It loads no generator code: its memory
// and start-up are those of the variant alone.
//
// The variants run the project's real code: the libs/kafka batch runner and producer, the processor's pure core
// (processBatch) with the real masker. The only code of its own is the naive per-message loop, which is the
// baseline by definition. IPC to the parent: 'ready' (joined the group: the clock starts), 'progress', 'measured', 'done'.
import { Kafka, logLevel as kafkajsLogLevel } from 'kafkajs';
import {
  toConsumedRecord,
  type BatchConsumerOptions,
  type ConsumedRecord,
  type RecordProducer,
  type TransformResult,
} from '@login/kafka';
import { processBatch, processorConfigSpec } from '../../../apps/processor/src';
import fs from 'node:fs';
import { Session } from 'node:inspector';
import { benchProcessDeps, clientFor, logger, runCommand, send, type Json } from './common';

// ---------------------------------------------------------------------------------------------------------------
// variant: drain `input` into fresh output topics until `expected` records have an outcome (committed).

type VariantName = 'processor' | 'passthrough' | 'naive';

interface RunnerTuning {
  maxRecordsPerChunk?: number;
  maxBytesPerPartition?: number;
  maxBytes?: number;
  partitionsConsumedConcurrently?: number;
  maxWaitTimeInMs?: number;
}

interface VariantOptions {
  variant: VariantName;
  brokers: string[];
  input: string;
  output: string;
  dlq: string;
  group: string;
  /** Records to wait for; undefined until the parent sends { type: 'expect' } (latency runs). */
  expected?: number;
  tuning?: RunnerTuning;
  /** Interval of the RSS timeline (memory run); 0: peak only. */
  memoryTimelineMs?: number;
  /** Write a V8 CPU profile of the measured window here. */
  profileFile?: string;
}

/** The processor's transform: one clock reading per chunk, as ProcessDeps asks. */
function processorTransform(o: VariantOptions): (records: readonly ConsumedRecord[]) => TransformResult<unknown> {
  const deps = benchProcessDeps(o);
  return (records) => processBatch(records, { ...deps, nowMs: Date.now() });
}

/** Identity: the same key, value and headers to the output topic. */
function passthroughTransform(o: VariantOptions): (records: readonly ConsumedRecord[]) => TransformResult<unknown> {
  return (records) => ({
    records: records.map((r) => {
      const headers: Record<string, Buffer | Buffer[]> = {};
      for (const [name, value] of Object.entries(r.headers)) if (value !== undefined) headers[name] = value;
      return { topic: o.output, key: r.key, value: r.value, headers };
    }),
    outcomes: records,
  });
}

interface Meter {
  /** The variant joined its group and can receive records: the measured window starts. */
  start(): void;
  add(n: number): void;
  expect(n: number): void;
  fail(error: unknown): void;
  readonly finished: Promise<Json>;
}

/**
 * Counts outcomes; times from joining the group (records can flow) to the commit of the expected last one. The
 * same start for every variant, the built app included (whose readiness is the same join).
 */
function createMeter(expected: number | undefined, memoryTimelineMs: number, profileFile?: string): Meter {
  const profiler = profileFile ? new Session() : undefined;
  let target = expected;
  let count = 0;
  let t0 = 0;
  let cpu0: NodeJS.CpuUsage | undefined;
  let peakRss = process.memoryUsage().rss;
  const timeline: Array<[number, number]> = [];
  const sampler = setInterval(
    () => {
      const rss = process.memoryUsage().rss;
      peakRss = Math.max(peakRss, rss);
      if (memoryTimelineMs > 0 && t0 > 0) timeline.push([Date.now() - t0, rss]);
    },
    memoryTimelineMs > 0 ? memoryTimelineMs : 200,
  );
  let resolve!: (v: Json) => void;
  let reject!: (e: unknown) => void;
  const finished = new Promise<Json>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  let done = false;
  let lastProgress = 0;
  const check = () => {
    if (done || target === undefined || count < target) return;
    done = true;
    const elapsedMs = Date.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    clearInterval(sampler);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    const result = {
      records: count,
      elapsedMs,
      rps: Math.round((count * 1000) / Math.max(1, elapsedMs)),
      cpuUserUs: cpu.user,
      cpuSystemUs: cpu.system,
      cpuUsPerRecord: Number(((cpu.user + cpu.system) / Math.max(1, count)).toFixed(2)),
      peakRssBytes: peakRss,
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
      ...(memoryTimelineMs > 0 ? { rssTimeline: timeline } : {}),
    };
    if (!profiler || !profileFile) return resolve(result);
    profiler.post('Profiler.stop', (err, res) => {
      if (!err) fs.writeFileSync(profileFile, JSON.stringify(res.profile));
      resolve({ ...result, profiled: !err });
    });
  };
  return {
    start() {
      if (t0 !== 0) return;
      // The CPU profile, when asked for, covers the measured window only (not start-up, not the group join).
      if (profiler) {
        profiler.connect();
        profiler.post('Profiler.enable', () => profiler.post('Profiler.start'));
      }
      t0 = Date.now();
      cpu0 = process.cpuUsage();
      send({ type: 'ready' });
    },
    add(n) {
      count += n;
      const now = Date.now();
      if (now - lastProgress > 1000) {
        lastProgress = now;
        send({ type: 'progress', records: count });
      }
      check();
    },
    expect(n) {
      target = n;
      check();
    },
    fail(error) {
      if (done) return;
      done = true;
      clearInterval(sampler);
      reject(error);
    },
    finished,
  };
}

async function runBatchVariant(o: VariantOptions, meter: Meter): Promise<() => Promise<void>> {
  const client = clientFor(o.brokers, `bench-${o.variant}`);
  const transform = o.variant === 'processor' ? processorTransform(o) : passthroughTransform(o);
  const options: BatchConsumerOptions<unknown> = {
    groupId: o.group,
    topics: [o.input],
    fromBeginning: true,
    logger,
    transform,
    hooks: {
      onChunk: (info) => meter.add(info.records),
      onReadyChange: (ready) => ready && meter.start(),
    },
    ...(o.tuning ?? {}),
  };
  const consumer = client.batchConsumer(options);
  await consumer.start();
  // A non-retriable error stops the runner: fail the run at once instead of waiting for records that never come.
  consumer.done.catch((err: unknown) => meter.fail(err));
  return () => consumer.stop();
}

/**
 * The naive baseline, as such pipelines are usually first written: eachMessage, the same pure core on a batch of
 * one, one awaited send and one awaited commit per message. It uses kafkajs directly (it is the baseline, not
 * project code) but the project's producer (idempotent, acks -1), so the delivery guarantee is the same.
 */
async function runNaiveVariant(o: VariantOptions, meter: Meter): Promise<() => Promise<void>> {
  const producer: RecordProducer = clientFor(o.brokers, 'bench-naive').producer();
  await producer.connect();
  const kafka = new Kafka({ clientId: 'bench-naive', brokers: o.brokers, logLevel: kafkajsLogLevel.WARN });
  const consumer = kafka.consumer({ groupId: o.group, allowAutoTopicCreation: false, maxWaitTimeInMs: 1000 });
  const transform = processorTransform(o);
  consumer.on(consumer.events.GROUP_JOIN, () => meter.start());
  consumer.on(consumer.events.CRASH, (event) => {
    if (!event.payload.restart) meter.fail(event.payload.error);
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [o.input], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ topic, partition, message }) => {
      // (kafkajs retries a throwing eachMessage; a non-retriable producer error surfaces as a crash, below.)
      // The runner's own mapping (libs/kafka's records.ts), so the naive variant reads records as the app does.
      await producer.send(transform([toConsumedRecord(topic, partition, message)]).records);
      await consumer.commitOffsets([{ topic, partition, offset: String(BigInt(message.offset) + 1n) }]);
      meter.add(1);
    },
  });
  return async () => {
    await consumer.disconnect();
    await producer.disconnect();
  };
}

async function variant(o: VariantOptions): Promise<Json> {
  const meter = createMeter(o.expected, o.memoryTimelineMs ?? 0, o.profileFile);
  process.on('message', (m: Json) => {
    if (m['type'] === 'expect') meter.expect(Number(m['count']));
  });
  const stop = o.variant === 'naive' ? await runNaiveVariant(o, meter) : await runBatchVariant(o, meter);
  const result = await meter.finished;
  send({ type: 'measured', result });
  await stop();
  return result;
}

/** The processor app's runner defaults (its config spec), so every batch variant runs with the same settings. */
function appDefaults(): Json {
  const v = processorConfigSpec.variables as Record<string, { default?: unknown } | undefined>;
  return {
    maxRecordsPerChunk: v['BATCH_MAX_RECORDS']?.default,
    maxBytesPerPartition: v['FETCH_MAX_BYTES_PER_PARTITION']?.default,
    partitionsConsumedConcurrently: v['PARTITIONS_CONSUMED_CONCURRENTLY']?.default,
  };
}

runCommand({ variant, 'app-defaults': appDefaults });
