// Child process that writes the benchmark's input: `prefill` (N events as fast as the broker takes them) and `load`
// (a fixed rate for a while, for latency). Bundled by bench.mjs into .build/generate.cjs.
import fs from 'node:fs';
import { DLQ_HEADERS } from '@login/event-schema';
import type { OutgoingRecord, RecordProducer } from '@login/kafka';
import { clientFor, runCommand, type Json } from './common';
import { builderFor } from './data';

// ---------------------------------------------------------------------------------------------------------------
// prefill: N generated records, produced in batches with a few sends in flight.

interface PrefillOptions {
  brokers: string[];
  topic: string;
  count: number;
  invalidRatio: number;
  seed: number;
  batchSize?: number;
  /** Writes the first valid values here, one per line (ProducerPerformance's --payload-file). */
  payloadFile?: string;
  /** Malformed kinds of the generator to leave out. */
  excludeKinds?: string[];
}

const MAX_SEND_BYTES = 512 * 1024;

/** Sends without waiting for each acknowledgement: at most `limit` sends in flight (none when `limit` is Infinity). */
function pipelinedSender(producer: RecordProducer, limit: number) {
  const inFlight = new Set<Promise<void>>();
  let maxInFlight = 0;
  return {
    async send(records: OutgoingRecord[]): Promise<void> {
      const p: Promise<void> = producer.send(records).finally(() => inFlight.delete(p));
      inFlight.add(p);
      maxInFlight = Math.max(maxInFlight, inFlight.size);
      if (inFlight.size >= limit) await Promise.race(inFlight);
    },
    /** Waits for every send; returns the most sends that were in flight at once. */
    async finish(): Promise<number> {
      await Promise.all(inFlight);
      return maxInFlight;
    },
  };
}

async function prefill(o: PrefillOptions): Promise<Json> {
  const builder = builderFor(o.seed, o.invalidRatio, o.excludeKinds);
  const producer = clientFor(o.brokers, 'bench-prefill').producer();
  await producer.connect();
  const batchSize = o.batchSize ?? 2000;
  const sender = pipelinedSender(producer, 4);
  const payloads: string[] = [];
  let bytes = 0;
  let invalid = 0;
  const started = Date.now();
  for (let sent = 0; sent < o.count;) {
    // A send is also cut by bytes: kafkajs puts a partition's records of one send in one record batch, which the
    // broker refuses above max.message.bytes (1 MiB), and the invalid mix has values of up to 96 KiB.
    const now = Date.now();
    const records: OutgoingRecord[] = [];
    let batchBytes = 0;
    while (records.length < batchSize && sent < o.count && batchBytes < MAX_SEND_BYTES) {
      const r = builder.next(now);
      if (r.kind !== 'valid') invalid += 1;
      else if (o.payloadFile && payloads.length < 1000 && r.value) payloads.push(r.value.toString('utf8'));
      const size = r.value?.length ?? 0;
      bytes += size;
      batchBytes += size;
      records.push({ topic: o.topic, key: r.key, value: r.value });
      sent += 1;
    }
    await sender.send(records);
  }
  await sender.finish();
  await producer.disconnect();
  if (o.payloadFile) fs.writeFileSync(o.payloadFile, `${payloads.join('\n')}\n`);
  return { sent: o.count, invalid, bytes, avgValueBytes: Math.round(bytes / o.count), elapsedMs: Date.now() - started };
}

// ---------------------------------------------------------------------------------------------------------------
// load: a fixed rate, in 10 ms ticks. Each record's CreateTime (set by the client when it sends) is its send time.

interface LoadOptions {
  brokers: string[];
  topic: string;
  rate: number;
  durationMs: number;
  seed: number;
}

async function load(o: LoadOptions): Promise<Json> {
  // Built before the clock starts: the generator's CPU would otherwise compete with the variant on a small machine
  // and show up as the variant's latency.
  const builder = builderFor(o.seed, 0);
  const total = Math.round((o.rate * o.durationMs) / 1000);
  const prebuilt: OutgoingRecord[] = new Array(total);
  const now = Date.now();
  for (let i = 0; i < total; i++) {
    const r = builder.next(now);
    prebuilt[i] = { topic: o.topic, key: r.key, value: r.value };
  }
  const producer = clientFor(o.brokers, 'bench-load').producer();
  await producer.connect();
  // A fixed rate does not wait for the broker: every due slice goes at once.
  const sender = pipelinedSender(producer, Number.POSITIVE_INFINITY);
  let sent = 0;
  const started = Date.now();
  while (sent < total) {
    const due = Math.min(total, Math.floor((o.rate * (Date.now() - started)) / 1000)) - sent;
    if (due > 0) {
      await sender.send(prebuilt.slice(sent, sent + due));
      sent += due;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const maxInFlight = await sender.finish();
  const elapsedMs = Date.now() - started;
  await producer.disconnect();
  return { sent, elapsedMs, achievedRate: Math.round((sent * 1000) / elapsedMs), maxInFlight };
}

// ---------------------------------------------------------------------------------------------------------------
// prefill-dlq: N dead letters as the processor writes them (docs/contracts.md "Dead letter record" headers, the input value byte for byte), a
// share of them `oversized` values of 64–96 KiB (the generator's kind, dead-lettered as VALUE_TOO_LARGE). Every
// one is retryable and names `inputTopic` as its source, so a replay moves all of them.

interface PrefillDlqOptions {
  brokers: string[];
  topic: string;
  inputTopic: string;
  count: number;
  oversizedShare: number;
  seed: number;
}

const REASONS = [
  { reason: 'TIMESTAMP_OUT_OF_RANGE', stage: 'VALIDATE', exceptionClass: 'RangeError' },
  { reason: 'SCHEMA_VIOLATION', stage: 'VALIDATE', exceptionClass: 'SchemaViolation' },
  { reason: 'ENRICH_FAILED', stage: 'ENRICH', exceptionClass: 'Error' },
];

async function prefillDlq(o: PrefillDlqOptions): Promise<Json> {
  const builder = builderFor(o.seed, 0);
  const producer = clientFor(o.brokers, 'bench-prefill-dlq').producer();
  await producer.connect();
  const sender = pipelinedSender(producer, 4);
  const oversizedEvery = o.oversizedShare > 0 ? Math.round(1 / o.oversizedShare) : 0;
  const started = Date.now();
  let bytes = 0;
  let oversized = 0;
  for (let sent = 0; sent < o.count;) {
    const now = Date.now();
    const records: OutgoingRecord[] = [];
    let batchBytes = 0;
    while (records.length < 2000 && sent < o.count && batchBytes < MAX_SEND_BYTES) {
      const event = builder.next(now);
      const big = oversizedEvery > 0 && sent % oversizedEvery === oversizedEvery - 1;
      // Deterministic filler: what matters is the size, the bytes stay opaque to the replayer.
      const value = big ? Buffer.alloc(65_536 + ((sent * 7919) % 32_768), 0x61 + (sent % 26)) : event.value;
      const kind = big
        ? { reason: 'VALUE_TOO_LARGE', stage: 'DESERIALIZE', exceptionClass: 'ValueTooLarge' }
        : REASONS[sent % REASONS.length]!;
      if (big) oversized += 1;
      const size = value?.length ?? 0;
      bytes += size;
      batchBytes += size;
      records.push({
        topic: o.topic,
        key: event.key,
        value,
        headers: {
          [DLQ_HEADERS.topic]: o.inputTopic,
          [DLQ_HEADERS.partition]: String(sent % 3),
          [DLQ_HEADERS.offset]: String(sent),
          [DLQ_HEADERS.group]: 'bench-processor',
          [DLQ_HEADERS.originalTimestamp]: String(now - 5000),
          [DLQ_HEADERS.failedAt]: String(now),
          [DLQ_HEADERS.stage]: kind.stage,
          [DLQ_HEADERS.reason]: kind.reason,
          [DLQ_HEADERS.retryable]: 'true',
          [DLQ_HEADERS.exceptionClass]: kind.exceptionClass,
          [DLQ_HEADERS.message]: 'bench dead letter',
          [DLQ_HEADERS.processor]: 'processor@bench host',
          [DLQ_HEADERS.eventId]: `00000000-0000-4000-8000-${String(sent).padStart(12, '0')}`,
          [DLQ_HEADERS.replayCount]: '0',
          [DLQ_HEADERS.firstFailedAt]: String(now),
        },
      });
      sent += 1;
    }
    await sender.send(records);
  }
  await sender.finish();
  await producer.disconnect();
  return {
    sent: o.count,
    oversized,
    bytes,
    avgValueBytes: Math.round(bytes / o.count),
    elapsedMs: Date.now() - started,
  };
}

runCommand({ prefill, load, 'prefill-dlq': prefillDlq });
