// Child process that drains a topic with one variant (bundled by bench.mjs into .build/variant.cjs and forked once
// per measured run, so CPU time and peak RSS belong to that variant only), and the pure-core timing.
//
// The variants run the project's real code: the libs/kafka batch runner and producer, the processor's pure core
// (processBatch) with the real masker. The only code of its own is the naive per-message loop, which is the
// baseline by definition. IPC to the parent: 'ready' (joined), 'first' (first record), 'progress', 'measured', 'done'.
import { Kafka, logLevel as kafkajsLogLevel } from 'kafkajs';
import {
  runBatchConsumer,
  type BatchConsumerOptions,
  type ConsumedRecord,
  type OutgoingRecord,
  type RecordProducer,
} from '@login/kafka';
import { createMasker } from '@login/masking';
import { parseLoginEvent } from '@login/event-schema';
import { processBatch, type ProcessDeps } from '../../../apps/processor/src/core/process-batch';
import { clientFor, logger, runCommand, send, type Json } from './common';
import { builderFor } from './data';

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
}

const MASKING_KEY = { id: 'bench', secret: 'benchmark-masking-key-not-a-secret-0123456789' };

function processorDeps(o: VariantOptions): Omit<ProcessDeps, 'nowMs'> {
  return {
    masker: createMasker({ key: MASKING_KEY, ipStrategy: 'truncate' }),
    maxValueBytes: 65_536,
    maxClockSkewMs: 300_000,
    outputTopic: o.output,
    dlqTopic: o.dlq,
    group: o.group,
    processor: 'processor@bench bench-1',
  };
}

/** The processor's transform: one clock reading per chunk, as ProcessDeps asks. */
function processorTransform(o: VariantOptions): (records: readonly ConsumedRecord[]) => OutgoingRecord[] {
  const deps = processorDeps(o);
  return (records) => processBatch(records, { ...deps, nowMs: Date.now() }).records;
}

/** Identity: the same key, value and headers to the output topic. */
function passthroughTransform(o: VariantOptions): (records: readonly ConsumedRecord[]) => OutgoingRecord[] {
  return (records) =>
    records.map((r) => {
      const headers: Record<string, Buffer | Buffer[]> = {};
      for (const [name, value] of Object.entries(r.headers)) if (value !== undefined) headers[name] = value;
      return { topic: o.output, key: r.key, value: r.value, headers };
    });
}

interface Meter {
  first(): void;
  add(n: number): void;
  expect(n: number): void;
  readonly finished: Promise<Json>;
}

/** Counts outcomes; times from the first record handed to the variant to the commit of the expected last one. */
function createMeter(expected: number | undefined, memoryTimelineMs: number): Meter {
  let target = expected;
  let count = 0;
  let t0 = 0;
  let cpu0: NodeJS.CpuUsage | undefined;
  let peakRss = process.memoryUsage().rss;
  const timeline: Array<[number, number]> = [];
  const sampler = setInterval(() => {
    const rss = process.memoryUsage().rss;
    peakRss = Math.max(peakRss, rss);
    if (memoryTimelineMs > 0 && t0 > 0) timeline.push([Date.now() - t0, rss]);
  }, memoryTimelineMs > 0 ? memoryTimelineMs : 200);
  let resolve!: (v: Json) => void;
  const finished = new Promise<Json>((r) => (resolve = r));
  let done = false;
  let lastProgress = 0;
  const check = () => {
    if (done || target === undefined || count < target) return;
    done = true;
    const elapsedMs = Date.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    clearInterval(sampler);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    resolve({
      records: count,
      elapsedMs,
      rps: Math.round((count * 1000) / Math.max(1, elapsedMs)),
      cpuUserUs: cpu.user,
      cpuSystemUs: cpu.system,
      cpuUsPerRecord: Number(((cpu.user + cpu.system) / Math.max(1, count)).toFixed(2)),
      peakRssBytes: peakRss,
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
      ...(memoryTimelineMs > 0 ? { rssTimeline: timeline } : {}),
    });
  };
  return {
    first() {
      if (t0 !== 0) return;
      t0 = Date.now();
      cpu0 = process.cpuUsage();
      send({ type: 'first' });
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
    finished,
  };
}

async function runBatchVariant(o: VariantOptions, meter: Meter): Promise<() => Promise<void>> {
  const client = clientFor(o.brokers, `bench-${o.variant}`);
  const transform = o.variant === 'processor' ? processorTransform(o) : passthroughTransform(o);
  const options: BatchConsumerOptions = {
    client,
    groupId: o.group,
    topics: [o.input],
    fromBeginning: true,
    logger,
    transform: (records) => {
      meter.first();
      return transform(records);
    },
    hooks: { onChunk: (info) => meter.add(info.records) },
    ...(o.tuning ?? {}),
  };
  const consumer = runBatchConsumer(options);
  await consumer.start();
  while (!consumer.isReady().ready) await new Promise((r) => setTimeout(r, 50));
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
  let joined = false;
  consumer.on(consumer.events.GROUP_JOIN, () => (joined = true));
  await consumer.connect();
  await consumer.subscribe({ topics: [o.input], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ topic, partition, message }) => {
      meter.first();
      const record: ConsumedRecord = {
        topic,
        partition,
        offset: message.offset,
        timestamp: message.timestamp,
        key: message.key ?? null,
        value: message.value ?? null,
        headers: {},
      };
      await producer.send(transform([record]));
      await consumer.commitOffsets([{ topic, partition, offset: String(BigInt(message.offset) + 1n) }]);
      meter.add(1);
    },
  });
  while (!joined) await new Promise((r) => setTimeout(r, 50));
  return async () => {
    await consumer.disconnect();
    await producer.disconnect();
  };
}

async function variant(o: VariantOptions): Promise<Json> {
  const meter = createMeter(o.expected, o.memoryTimelineMs ?? 0);
  process.on('message', (m: Json) => {
    if (m['type'] === 'expect') meter.expect(Number(m['count']));
  });
  const stop = o.variant === 'naive' ? await runNaiveVariant(o, meter) : await runBatchVariant(o, meter);
  send({ type: 'ready' });
  const result = await meter.finished;
  send({ type: 'measured', result });
  await stop();
  return result;
}

// ---------------------------------------------------------------------------------------------------------------
// core: the pure core without Kafka, to see where a record's CPU goes (parse+validate, HMAC, the rest, JSON).

interface CoreOptions {
  count: number;
  invalidRatio: number;
  seed: number;
  rounds: number;
}

function core(o: CoreOptions): Json {
  const builder = builderFor(o.seed, o.invalidRatio);
  const now = Date.now();
  const records: ConsumedRecord[] = [];
  for (let i = 0; i < o.count; i++) {
    const r = builder.next(now);
    records.push({
      topic: 'bench-core',
      partition: i % 3,
      offset: String(i),
      timestamp: String(now),
      key: Buffer.from(r.key),
      value: r.value,
      headers: {},
    });
  }
  const deps = processorDeps({ variant: 'processor', brokers: [], input: 'in', output: 'out', dlq: 'dlq', group: 'g' });
  const masker = deps.masker;
  const parseOptions = { maxValueBytes: 65_536, maxClockSkewMs: 300_000, nowMs: now };
  const parsed = records.map((r) => parseLoginEvent(r.value, parseOptions));
  const valid = parsed.flatMap((p) => (p.ok ? [p.event] : []));
  const time = (fn: () => void): number => {
    const best: number[] = [];
    for (let round = 0; round < o.rounds; round++) {
      const t = process.hrtime.bigint();
      fn();
      best.push(Number(process.hrtime.bigint() - t) / 1000);
    }
    best.sort((a, b) => a - b);
    return best[Math.floor(best.length / 2)] ?? 0; // median µs
  };
  let sink = 0;
  const chunk = 1000;
  const batchUs = time(() => {
    for (let i = 0; i < records.length; i += chunk) sink += processBatch(records.slice(i, i + chunk), { ...deps, nowMs: now }).records.length;
  });
  const parseUs = time(() => {
    for (const r of records) sink += parseLoginEvent(r.value, parseOptions).ok ? 1 : 0;
  });
  const jsonParseUs = time(() => {
    for (const r of records) {
      try {
        sink += JSON.parse(r.value?.toString('utf8') ?? 'null') ? 1 : 0;
      } catch {
        sink += 0; // malformed on purpose: counted by the parse stage above
      }
    }
  });
  const hmacUs = time(() => {
    for (const e of valid) sink += masker.maskDeviceId(e.device_id).length;
  });
  const ipUs = time(() => {
    for (const e of valid) sink += masker.maskIp(e.ip, e.ip_version).length;
  });
  const outputs = processBatch(records, { ...deps, nowMs: now }).outcomes.flatMap((x) => (x.kind === 'processed' ? [x.event] : []));
  const stringifyUs = time(() => {
    for (const e of outputs) sink += JSON.stringify(e).length;
  });
  const toBufferUs = time(() => {
    for (const e of outputs) sink += Buffer.from(JSON.stringify(e), 'utf8').length;
  }) - stringifyUs;
  const per = (us: number, n = records.length) => Number((us / Math.max(1, n)).toFixed(3));
  return {
    records: records.length,
    valid: valid.length,
    processBatchUsPerRecord: per(batchUs),
    parseAndValidateUsPerRecord: per(parseUs),
    jsonParseOnlyUsPerRecord: per(jsonParseUs),
    hmacDeviceIdUsPerValid: per(hmacUs, valid.length),
    maskIpUsPerValid: per(ipUs, valid.length),
    stringifyOutputUsPerValid: per(stringifyUs, outputs.length),
    utf8EncodeOutputUsPerValid: per(Math.max(0, toBufferUs), outputs.length),
    sink: sink > 0,
  };
}

runCommand({ variant, core });
