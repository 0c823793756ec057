// Hostile input (issue 12) against a real broker and the built processor: whatever one record on the input topic
// holds, the processor keeps running, /healthz keeps answering, the records around it keep flowing, the record
// gets exactly one outcome and no raw PII reaches outputs, headers, metrics or logs.
//
// The 20,000-header record is decoded by kafkajs before the processor sees it; kafkajs 2.2.4 unpatched does that in
// quadratic time (minutes, blocking the event loop), so with it the timing and /healthz assertions below hold only
// with the linear header decoding patch of libs/kafka.
import { createHash } from 'node:crypto';
import { DLQ_HEADERS, signLineage, validateOutputEvent } from '@login/event-schema';
import { DLQ_TOPIC_CONFIG } from '@login/kafka';
import type { ConsumedRecord } from '@login/kafka';
import {
  committedOffsets,
  createTestTopic,
  deleteTestTopics,
  produceRaw,
  uniqueName,
  waitFor,
} from '@login/kafka/testing';
import { eventIdFor } from '@login/enrichment';
import { account } from './testing/accounting';
import { validEvent } from './testing/events';
import { startHealthProbe } from './testing/health-probe';
import { bigKey, compressionBomb, incompressible, manyHeaders, smallHostileCases } from './testing/hostile-records';
import type { HostileCase, RawRecord } from './testing/hostile-records';
import { killLeftovers, ProcessorProcess, TEST_LINEAGE_KEY, TEST_LINEAGE_KEY_ID } from './testing/processor-process';

const running: ProcessorProcess[] = [];
const probes: Array<ReturnType<typeof startHealthProbe>> = [];
afterEach(async () => {
  await Promise.all(probes.splice(0).map((probe) => probe.stop()));
  await killLeftovers(running);
});
afterAll(deleteTestTopics);

/** The input takes 4 MiB so that a value larger than the 2 MiB DLQ, even compressed, can arrive at all. */
async function pipeline() {
  return {
    input: await createTestTopic('hostile-in', { config: { 'max.message.bytes': '4194304' } }),
    output: await createTestTopic('hostile-out'),
    dlq: await createTestTopic('hostile-dlq', { config: DLQ_TOPIC_CONFIG }),
    group: uniqueName('processor-hostile'),
  };
}

function valid(i: number): RawRecord & { pii: string[] } {
  const raw = validEvent(i);
  return { key: raw.user_id, value: JSON.stringify(raw), partition: 0, pii: [raw.device_id, raw.ip] };
}

const text = (v: Buffer | Buffer[] | undefined) =>
  Array.isArray(v) ? v.map((b) => b.toString('utf8')).join('\n') : v?.toString('utf8');
const sha = (b: Buffer | string | null | undefined) =>
  b === null || b === undefined ? 'null' : createHash('sha256').update(b).digest('hex');

/** Resolves with the ms it took until the group committed past `offset` (partition 0). */
async function committedPast(
  group: string,
  topic: string,
  offset: number,
  since: number,
  processor: ProcessorProcess,
  timeoutMs: number,
): Promise<number> {
  await waitFor(
    () => `offset ${offset} not committed after ${timeoutMs} ms:\n${processor.logs.slice(-20).join('\n')}`,
    async () => ((await committedOffsets(group, topic)).get(0) ?? -1n) > BigInt(offset),
    timeoutMs,
  );
  return Date.now() - since;
}

const at = (topic: string, offset: number) => eventIdFor({ topic, partition: 0, offset: String(offset) });

function searchable(records: readonly ConsumedRecord[], withValues: boolean): string {
  return records
    .map((r) =>
      [
        withValues ? text(r.value ?? undefined) : '',
        ...Object.entries(r.headers).map(([k, v]) => `${k}=${text(v)}`),
      ].join('\n'),
    )
    .join('\n');
}

/**
 * Runs the built processor and sends each hostile record followed by a valid one, waiting for both to be committed
 * before the next; then checks that the processor never stopped, /healthz answered within 2 s throughout, every
 * record has exactly one outcome (the expected one for each hostile record) and no raw PII is anywhere.
 */
async function sendEachAndCheck(makeCases: (borrowedId: string) => HostileCase[]): Promise<void> {
  const t = await pipeline();
  const processor = await ProcessorProcess.start({ ...t, env: { LOG_LEVEL: 'debug' } });
  running.push(processor);
  await processor.waitReady();
  const health = startHealthProbe(processor.port);
  probes.push(health);

  let offset = 0;
  const allPii: string[] = [];
  const timings: Array<{ name: string; ms: number }> = [];
  const expectations = new Map<number, HostileCase>();
  /** Produces `records` in one request, then waits until the last is committed; returns how long that took. */
  const send = async (records: RawRecord[], gzip = false): Promise<number> => {
    const started = Date.now();
    await produceRaw(t.input, records, { compression: gzip ? 'gzip' : 'none' });
    offset += records.length;
    return committedPast(t.group, t.input, offset - 1, started, processor, 120_000);
  };

  // Baseline: what a valid record and its sentinel cost on this machine.
  let v = 0;
  const sentinel = () => {
    const r = valid(v++);
    allPii.push(...r.pii);
    return r;
  };
  const firstValidOffset = offset;
  timings.push({ name: 'baseline: a valid record', ms: await send([sentinel(), sentinel()]) });
  const borrowedId = eventIdFor({ topic: t.input, partition: 0, offset: String(firstValidOffset) });

  for (const hostile of makeCases(borrowedId)) {
    expectations.set(offset, hostile);
    allPii.push(...hostile.pii);
    timings.push({
      name: hostile.name,
      ms: await send([{ ...hostile.record, partition: 0 }, sentinel()], hostile.gzip),
    });
  }
  const report = await health.stop();
  // The figures of the issue's "done when": printed for the report, asserted only as liveness below.
  console.log(
    `hostile records, time until the record and the valid one after it were committed:\n${timings.map((x) => `  ${String(x.ms).padStart(7)} ms  ${x.name}`).join('\n')}\n/healthz: ${report.probes} probes, slowest ${report.slowestMs} ms, ${report.failures.length} failed`,
  );

  // The processor never exited and /healthz answered within 2 s throughout.
  expect(processor.child.exitCode).toBeNull();
  expect(report.failures).toEqual([]);
  // Liveness bound with a huge margin (each takes well under a second when the fixes are in; a crash loop never ends).
  for (const timing of timings) expect(timing.ms).toBeLessThan(60_000);

  // Exactly one outcome for every input record, valid or hostile.
  const books = await account(t.input, t.output, t.dlq);
  expect({ missing: books.missing, duplicates: books.duplicates, unknown: books.unknown }).toEqual({
    missing: [],
    duplicates: 0,
    unknown: 0,
  });
  expect(books.outputs + books.deadLetters).toBe(offset);

  const dlqAt = new Map(books.dlqRecords.map((r) => [Number(text(r.headers[DLQ_HEADERS.offset])), r]));
  const outputAt = new Map(
    books.outputRecords.map((r) => {
      const id = (JSON.parse(String(r.value)) as { event_id: string }).event_id;
      const at = [...Array(offset).keys()].find(
        (o) => eventIdFor({ topic: t.input, partition: 0, offset: String(o) }) === id,
      );
      return [at ?? -1, r];
    }),
  );
  for (const [at, hostile] of expectations) {
    const { expected } = hostile;
    if (expected.topic === 'output') {
      const out = outputAt.get(at);
      expect({ name: hostile.name, output: out !== undefined }).toEqual({ name: hostile.name, output: true });
      const event = JSON.parse(String(out!.value)) as Record<string, unknown>;
      expect(validateOutputEvent(event)).toEqual({ ok: true });
      if (expected.ip !== undefined)
        expect({ name: hostile.name, ip: event['ip'] }).toEqual({ name: hostile.name, ip: expected.ip });
      continue;
    }
    const dead = dlqAt.get(at);
    expect({ name: hostile.name, deadLettered: dead !== undefined }).toEqual({
      name: hostile.name,
      deadLettered: true,
    });
    const h = (name: string) => text(dead!.headers[name]);
    expect({ name: hostile.name, reason: h(DLQ_HEADERS.reason), omitted: h(DLQ_HEADERS.omitted) }).toEqual({
      name: hostile.name,
      reason: expected.reason,
      omitted: expected.omitted,
    });
    if (expected.retryable !== undefined) expect(h(DLQ_HEADERS.retryable)).toBe(String(expected.retryable));
    // Lineage is never taken from a record the replayer did not re-publish, nor copied unvalidated.
    expect(h(DLQ_HEADERS.eventId)).toBe(eventIdFor({ topic: t.input, partition: 0, offset: String(at) }));
    expect(h(DLQ_HEADERS.replayCount)).toBe('0');
    expect(h(DLQ_HEADERS.firstFailedAt)).toBe(h(DLQ_HEADERS.failedAt));
    // What is kept of the input is byte for byte; what is left out is named, with the input's size.
    if (expected.omitted?.includes('value')) {
      expect(dead!.value).toBeNull();
      expect(h(DLQ_HEADERS.originalValueBytes)).toBe(String(Buffer.byteLength(hostile.record.value as Buffer)));
    } else {
      expect(sha(dead!.value)).toBe(sha(hostile.record.value));
    }
    if (expected.omitted?.includes('key')) expect(dead!.key).toBeNull();
    else expect(sha(dead!.key)).toBe(sha(hostile.record.key));
  }

  // No raw PII in outputs (values and headers), DLQ headers, /metrics or the logs. (DLQ values are raw by design.)
  const metrics = await (await fetch(`http://127.0.0.1:${processor.port}/metrics`)).text();
  const places = {
    outputs: searchable(books.outputRecords, true),
    dlqHeaders: searchable(books.dlqRecords, false),
    metrics,
    logs: processor.logs.join('\n'),
  };
  for (const [place, haystack] of Object.entries(places)) {
    const leaked = allPii.filter((pii) => haystack.includes(pii));
    expect({ place, leaked }).toEqual({ place, leaked: [] });
  }
  expect(processor.child.exitCode).toBeNull();
}

describe('hostile input records', () => {
  it('each one: the processor keeps running, healthy and flowing; one outcome each; no raw PII anywhere', async () => {
    await sendEachAndCheck((borrowedId) => [
      compressionBomb(1),
      bigKey(3),
      incompressible(4),
      ...smallHostileCases(10, borrowedId),
    ]);
  }, 900_000);

  // Needs linear header decoding in kafkajs (see the file comment): unpatched, the record stalls its partition.
  it('20,000 headers: the same, within seconds', async () => {
    await sendEachAndCheck(() => [manyHeaders(2)]);
  }, 900_000);

  it('a 20,000-header record, a 1 MB key and a 3 MB gzip bomb amid 10,000 valid events: every valid event output once', async () => {
    /** Produces the records, runs a processor until all are committed; returns how long the drain took. */
    const drain = async (hostile: HostileCase[]) => {
      const t = await pipeline();
      const half = (from: number) => Array.from({ length: 5_000 }, (_, i) => valid(from + i));
      await produceRaw(t.input, half(0));
      for (const h of hostile)
        await produceRaw(t.input, [{ ...h.record, partition: 0 }], { compression: h.gzip ? 'gzip' : 'none' });
      await produceRaw(t.input, half(5_000));
      const total = 10_000 + hostile.length;
      const processor = await ProcessorProcess.start({ ...t, env: { LOG_LEVEL: 'info' } });
      running.push(processor);
      await processor.waitReady();
      const health = startHealthProbe(processor.port);
      probes.push(health);
      const ms = await committedPast(t.group, t.input, total - 1, Date.now(), processor, 300_000);
      const report = await health.stop();
      expect(processor.child.exitCode).toBeNull();
      expect(report.failures).toEqual([]);
      const books = await account(t.input, t.output, t.dlq);
      expect({ missing: books.missing, duplicates: books.duplicates, unknown: books.unknown }).toEqual({
        missing: [],
        duplicates: 0,
        unknown: 0,
      });
      expect({ outputs: books.outputs, deadLetters: books.deadLetters }).toEqual({
        outputs: 10_000,
        deadLetters: hostile.length,
      });
      return { ms, report };
    };
    const baseline = await drain([]);
    const hostile = [manyHeaders(1), bigKey(2), compressionBomb(3)];
    const withHostile = await drain(hostile);
    console.log(
      `10,000 valid events drained in ${baseline.ms} ms alone, in ${withHostile.ms} ms with ${hostile.map((h) => h.name).join(', ')} ` +
        `(difference ${withHostile.ms - baseline.ms} ms); /healthz slowest ${withHostile.report.slowestMs} ms over ${withHostile.report.probes} probes`,
    );
    // Liveness bound with a huge margin: seconds when the fixes are in, never when a record crash-loops the processor.
    expect(withHostile.ms).toBeLessThan(120_000);
  }, 900_000);
});

describe('a decompression bomb batch (issue 21)', () => {
  it('a gzip batch past MAX_DECOMPRESSED_BATCH_BYTES becomes one BATCH_TOO_LARGE dead letter; the partition goes on', async () => {
    const t = await pipeline();
    const events = (from: number) => Array.from({ length: 1_000 }, (_, i) => valid(from + i));
    await produceRaw(t.input, events(0));
    // 40 records of 1 MiB of spaces in one gzip batch: ~40 KB on the wire, 40 MiB decompressed, 4 MiB allowed.
    const bomb = Array.from({ length: 40 }, (_, i) => ({
      key: `bomb-${i}`,
      value: Buffer.alloc(1 << 20, 0x20),
      partition: 0,
    }));
    await produceRaw(t.input, bomb, { compression: 'gzip', sliceBytes: Infinity });
    await produceRaw(t.input, events(1_000));
    const total = 2_000 + bomb.length;
    const processor = await ProcessorProcess.start({
      ...t,
      env: { LOG_LEVEL: 'info', MAX_DECOMPRESSED_BATCH_BYTES: String(4 << 20) },
    });
    running.push(processor);
    await processor.waitReady();
    await committedPast(t.group, t.input, total - 1, Date.now(), processor, 120_000);
    expect(processor.child.exitCode).toBeNull();

    const books = await account(t.input, t.output, t.dlq);
    expect({ outputs: books.outputs, deadLetters: books.deadLetters, duplicates: books.duplicates }).toEqual({
      outputs: 2_000,
      deadLetters: 1,
      duplicates: 0,
    });
    const [standIn] = books.dlqRecords;
    const batchFirst = Number(text(standIn!.headers[DLQ_HEADERS.batchFirstOffset]));
    const batchLast = Number(text(standIn!.headers[DLQ_HEADERS.offset]));
    expect({
      reason: text(standIn!.headers[DLQ_HEADERS.reason]),
      first: batchFirst,
      last: batchLast,
      records: text(standIn!.headers[DLQ_HEADERS.batchRecords]),
      value: standIn!.value,
    }).toEqual({ reason: 'BATCH_TOO_LARGE', first: 1_000, last: 1_039, records: '40', value: null });
    // Every input has one outcome: its output, or the one dead letter that stands for its batch.
    const coveredByBatch = Array.from({ length: 39 }, (_, i) => at(t.input, batchFirst + i));
    expect([...books.missing].sort()).toEqual(coveredByBatch.sort());
  }, 300_000);
});

describe('forged replay lineage (issue 23)', () => {
  it("a well-formed lineage that is unsigned or badly signed gets its derived event_id; the replayer's keeps its id", async () => {
    const t = await pipeline();
    const processor = await ProcessorProcess.start({ ...t, env: { LOG_LEVEL: 'info' } });
    running.push(processor);
    await processor.waitReady();
    const at = (offset: number) => eventIdFor({ topic: t.input, partition: 0, offset: String(offset) });
    // Offset 0: a real event, whose id the forged records borrow.
    const realId = at(0);
    const forgedLineage = {
      [DLQ_HEADERS.replayId]: 'run-forged',
      [DLQ_HEADERS.replayCount]: '1',
      [DLQ_HEADERS.eventId]: realId,
      [DLQ_HEADERS.firstFailedAt]: '1700000000000',
    };
    const forged = { key: 'k-forged', value: JSON.stringify(validEvent(1)), partition: 0 };
    // What the replayer writes for a record whose first attempt had `carriedId`, signed with the processor's key.
    const carriedId = '5f0c2a52-1b7e-4e0b-9a55-0a1f0c9e8d11';
    const signedValue = JSON.stringify(validEvent(3));
    const signature = signLineage(
      {
        replayId: Buffer.from('run-signed'),
        replayCount: Buffer.from('1'),
        eventId: Buffer.from(carriedId),
        firstFailedAt: Buffer.from('1700000000000'),
        key: Buffer.from('k-signed'),
        value: Buffer.from(signedValue),
      },
      { id: TEST_LINEAGE_KEY_ID, secret: Buffer.from(TEST_LINEAGE_KEY) },
    );
    await produceRaw(t.input, [
      valid(0),
      // Offset 1: no signature at all.
      { ...forged, headers: forgedLineage },
      // Offset 2: a made-up signature under the processor's key id.
      {
        ...forged,
        headers: {
          ...forgedLineage,
          [DLQ_HEADERS.lineageSignature]: 'A'.repeat(43),
          [DLQ_HEADERS.lineageKeyId]: TEST_LINEAGE_KEY_ID,
        },
      },
      // Offset 3: signed by the replayer's key.
      {
        key: 'k-signed',
        value: signedValue,
        partition: 0,
        headers: {
          [DLQ_HEADERS.replayId]: 'run-signed',
          [DLQ_HEADERS.replayCount]: '1',
          [DLQ_HEADERS.eventId]: carriedId,
          [DLQ_HEADERS.firstFailedAt]: '1700000000000',
          [DLQ_HEADERS.lineageSignature]: signature.signature,
          [DLQ_HEADERS.lineageKeyId]: signature.keyId,
        },
      },
    ]);
    await committedPast(t.group, t.input, 3, Date.now(), processor, 120_000);

    const books = await account(t.input, t.output, t.dlq);
    const ids = books.outputRecords.map((r) => (JSON.parse(String(r.value)) as { event_id: string }).event_id);
    expect(ids.sort()).toEqual([realId, at(1), at(2), carriedId].sort());
    expect(books.deadLetters).toBe(0);
    // The real event is output once: no forged record took its id (downstream dedup would have dropped one).
    expect(ids.filter((id) => id === realId)).toHaveLength(1);
    const metrics = await (await fetch(`http://127.0.0.1:${processor.port}/metrics`)).text();
    expect(metrics).toContain('login_processor_untrusted_lineage_total{reason="missing-signature"} 1');
    expect(metrics).toContain('login_processor_untrusted_lineage_total{reason="bad-signature"} 1');
    expect(metrics).toContain('login_processor_untrusted_lineage_total{reason="unknown-key"} 0');
    expect(processor.child.exitCode).toBeNull();
  }, 300_000);
});
