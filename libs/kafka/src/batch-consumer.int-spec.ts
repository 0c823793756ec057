import { type LoggerLike, type TransformResult } from './index';
import {
  committedOffsets,
  consumeUntil,
  createPipelineTopics,
  createTestTopic,
  deleteTestTopics,
  endOffsets,
  produceRaw,
  produceTransactions,
  recordCount,
  testConsumers,
  trackTestTopic,
  sumOffsets,
  uniqueName,
  waitFor,
} from './testing';
import type { ConsumedRecord, OutgoingRecord } from './types';

function recordingLogger() {
  const lines: Array<{ level: string; message: string; meta?: object }> = [];
  const at = (level: string) => (message: string, meta?: object) => {
    lines.push({ level, message, meta });
  };
  const logger: LoggerLike = { error: at('error'), warn: at('warn'), info: at('info'), debug: () => undefined };
  return { logger, lines };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A transform result with one outcome (the offset) per consumed record. */
const mapped = (records: readonly ConsumedRecord[], outputs: OutgoingRecord[]): TransformResult<string> => ({
  records: outputs,
  outcomes: records.map((r) => r.offset),
});

const identityTo =
  (topic: string) =>
  (records: readonly ConsumedRecord[]): TransformResult<string> =>
    mapped(
      records,
      records.map((r) => ({
        topic,
        key: r.key,
        value: r.value,
        headers: r.headers as Record<string, Buffer | Buffer[]>,
        partition: r.partition,
      })),
    );

const { start, client } = testConsumers<string>(recordingLogger().logger);
afterAll(deleteTestTopics);

describe('the batch consumer commits only what the broker acknowledged', () => {
  it('copies 5,000 records byte for byte through an identity transform and commits up to the end offsets', async () => {
    const { input, output, group } = await createPipelineTopics('identity', 3);
    const records = Array.from({ length: 5000 }, (_, i): Omit<OutgoingRecord, 'topic'> => ({
      key: i % 10 === 0 ? null : `user-${i % 97}`,
      value: i % 7 === 0 ? Buffer.from([0x00, 0xff, i & 0xff, 0x80]) : `{"n":${i}}`,
      headers:
        i % 3 === 0 ? { 'x-trace': `t-${i}`, 'x-multi': ['a', Buffer.from([i & 0xff])] } : { 'x-trace': `t-${i}` },
    }));
    await produceRaw(input, records);
    const chunks: number[] = [];

    const consumer = start(input, group, {
      transform: identityTo(output),
      maxRecordsPerChunk: 400,
      hooks: { onChunk: (info) => chunks.push(info.records) },
    });
    await consumer.start();
    const consumed = await consumeUntil(input, 5000);
    const produced = await consumeUntil(output, 5000, { settleMs: 500 });
    await waitFor(
      'commits to reach the end offsets',
      async () => sumOffsets((await committedOffsets(group, input)).values()) === 5000,
    );

    expect(produced).toHaveLength(5000);
    const fingerprint = (r: ConsumedRecord) =>
      JSON.stringify([
        r.partition,
        r.key?.toString('base64') ?? null,
        r.value?.toString('base64') ?? null,
        Object.entries(r.headers).map(([k, v]) => [
          k,
          ([] as Buffer[]).concat(v ?? []).map((b) => b.toString('base64')),
        ]),
      ]);
    // Per partition, the output holds the same records in the same order.
    for (const partition of [0, 1, 2]) {
      const inPartition = consumed.filter((r) => r.partition === partition).map(fingerprint);
      const outPartition = produced.filter((r) => r.partition === partition).map(fingerprint);
      expect(outPartition).toEqual(inPartition);
    }
    expect(await committedOffsets(group, input)).toEqual(await endOffsets(input));
    expect(Math.max(...chunks)).toBeLessThanOrEqual(400);
    expect(consumer.isReady()).toEqual({ ready: true, reasons: [] });
  });

  it('retries a send to a missing topic without committing, reports not ready, and commits once the topic exists', async () => {
    const input = await createTestTopic('late-in', { partitions: 2 });
    const late = uniqueName('late-out');
    await produceRaw(
      input,
      Array.from({ length: 200 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })),
    );
    const group = uniqueName('late');
    const readiness: Array<[boolean, string | undefined]> = [];
    const retries: string[] = [];
    const violations: string[] = [];

    const consumer = start(input, group, {
      transform: (records) =>
        mapped(
          records,
          records.map((r) => ({ topic: late, key: r.key, value: r.value })),
        ),
      producerOptions: { retries: 1 },
      retry: { initialMs: 100, maxMs: 500 },
      hooks: {
        onReadyChange: (ready, reason) => readiness.push([ready, reason]),
        onRetry: (info) => retries.push(`${info.stage}:${info.code}`),
      },
    });
    await consumer.start();

    // Invariant, checked continuously: what the group committed was produced (read committed first, then count).
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const committed = sumOffsets((await committedOffsets(group, input)).values());
        const produced = await recordCount(late).catch(() => 0); // the topic does not exist yet: nothing produced
        if (committed > produced) violations.push(`committed ${committed} > produced ${produced}`);
        await sleep(150);
      }
    })();

    await waitFor('send retries', () => retries.length >= 2);
    expect(consumer.isReady().ready).toBe(false);
    expect(consumer.isReady().reasons.join(' ')).toMatch(/retrying .*send UNKNOWN_TOPIC_OR_PARTITION/);
    expect(sumOffsets((await committedOffsets(group, input)).values())).toBe(0);

    const admin = client().admin();
    await admin.connect();
    await admin.ensureTopics([{ topic: late, partitions: 1 }]);
    await admin.disconnect();
    trackTestTopic(late);

    await waitFor(
      'commits to reach the end offsets',
      async () => sumOffsets((await committedOffsets(group, input)).values()) === 200,
    );
    watching = false;
    await watcher;
    expect(violations).toEqual([]);
    expect(await recordCount(late)).toBeGreaterThanOrEqual(200);
    expect(new Set(retries)).toEqual(new Set(['send:UNKNOWN_TOPIC_OR_PARTITION']));
    await waitFor('ready again', () => consumer.isReady().ready);
    expect(readiness[0]).toEqual([true, undefined]);
    expect(readiness.some(([ready, reason]) => !ready && /retrying/.test(reason ?? ''))).toBe(true);
    expect(readiness.at(-1)).toEqual([true, undefined]);
  });

  it('never retries a transform that throws: each record that throws alone is dead-lettered and the run goes on', async () => {
    const { input, output, group } = await createPipelineTopics('throw', 1);
    const dlq = await createTestTopic('throw-dlq', { partitions: 1 });
    await produceRaw(
      input,
      Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })),
    );
    const { logger, lines } = recordingLogger();
    const calls = new Map<string, number>();
    const retries: string[] = [];
    const errors: string[] = [];

    const consumer = start(input, group, {
      logger,
      maxRecordsPerChunk: 20,
      retry: { initialMs: 50, maxMs: 200 },
      hooks: {
        onRetry: (info) => retries.push(`${info.stage}:${info.code}`),
        onChunk: (info) => errors.push(`${info.firstOffset}:${info.transformErrors}`),
      },
      transform: (records) => {
        for (const r of records) calls.set(r.offset, (calls.get(r.offset) ?? 0) + 1);
        // A bug that hits two records: a TypeError, the kind no retry can fix.
        const bad = records.find((r) => r.offset === '7' || r.offset === '33');
        if (bad) throw new TypeError(`cannot read properties of record ${bad.offset}`);
        return identityTo(output)(records);
      },
      onTransformError: (record, error) =>
        mapped(
          [record],
          [
            {
              topic: dlq,
              key: record.key,
              value: record.value,
              headers: { reason: error instanceof Error ? error.name : 'unknown' },
            },
          ],
        ),
    });
    await consumer.start();
    await waitFor(
      'commits to reach the end offsets',
      async () => sumOffsets((await committedOffsets(group, input)).values()) === 50,
    );

    const produced = await consumeUntil(output, 48, { settleMs: 300 });
    expect(produced.map((r) => r.value!.toString())).toEqual(
      Array.from({ length: 50 }, (_, i) => `v${i}`).filter((v) => v !== 'v7' && v !== 'v33'),
    );
    const dead = await consumeUntil(dlq, 2, { settleMs: 300 });
    expect(dead.map((r) => [r.value!.toString(), r.headers['reason']!.toString()])).toEqual([
      ['v7', 'TypeError'],
      ['v33', 'TypeError'],
    ]);
    // Never retried: a chunk with a bad record is transformed once whole, then once per record.
    expect(retries).toEqual([]);
    expect(Math.max(...calls.values())).toBeLessThanOrEqual(2);
    expect(errors).toEqual(['0:1', '20:1', '40:0']);
    expect(lines.filter((l) => l.level === 'warn').map((l) => l.message)).toEqual([
      'records whose processing threw were turned into dead letters',
      'records whose processing threw were turned into dead letters',
    ]);
    expect(consumer.isReady().ready).toBe(true);
    // Logs carry coordinates, never record values.
    expect(JSON.stringify(lines)).not.toMatch(/"v\d+"/);
  });

  it('stops (fatal, nothing committed) when a record throws and nothing can dead-letter it', async () => {
    const input = await createTestTopic('throw-fatal-in', { partitions: 1 });
    await produceRaw(input, [{ key: 'k', value: 'v' }]);
    const group = uniqueName('throw-fatal');
    const consumer = start(input, group, {
      transform: () => {
        throw new TypeError('a bug');
      },
    });
    await consumer.start();
    await expect(consumer.done).rejects.toMatchObject({ code: 'TRANSFORM_FAILED', canRetry: false });
    expect(sumOffsets((await committedOffsets(group, input)).values())).toBe(0);
  });

  it('reads an upstream transactional producer: aborted records never reach the transform, lag reaches 0 past the markers', async () => {
    const { input, output, group } = await createPipelineTopics('txn', 1);
    const rec = (name: string) => ({ key: name, value: name });
    // Each transaction ends with a marker (a control record): the last offset of the log is a marker, not data.
    await produceTransactions(input, [
      { records: [rec('c1'), rec('c2')], commit: true },
      { records: [rec('a1'), rec('a2'), rec('a3')], commit: false },
      { records: [rec('c3')], commit: true },
      { records: [rec('a4')], commit: false },
    ]);
    const end = (await endOffsets(input)).get(0);
    // 7 data records + 4 markers.
    expect(end).toBe(11n);
    const seen: string[] = [];
    const consumer = start(input, group, {
      transform: (records) => {
        seen.push(...records.map((r) => r.value!.toString()));
        return identityTo(output)(records);
      },
    });
    await consumer.start();
    // The committed offset reaches the end of the log, markers included: the lag is 0, not 1.
    await waitFor(
      'the committed offset to reach the end of the log',
      async () => (await committedOffsets(group, input)).get(0) === end,
    );
    expect(seen).toEqual(['c1', 'c2', 'c3']);
    expect((await consumeUntil(output, 3, { settleMs: 300 })).map((r) => r.value!.toString())).toEqual([
      'c1',
      'c2',
      'c3',
    ]);

    // A later fetch that holds nothing the transform sees (an aborted transaction and its marker) is committed too.
    await produceTransactions(input, [{ records: [rec('a5'), rec('a6')], commit: false }]);
    await waitFor(
      'the commit past an aborted-only fetch',
      async () => (await committedOffsets(group, input)).get(0) === 14n,
    );
    expect(seen).toEqual(['c1', 'c2', 'c3']);
  });

  it('on a graceful stop commits what it produced, and the next member resumes right after it', async () => {
    const { input, output, group } = await createPipelineTopics('stop', 3);
    const total = 3000;
    await produceRaw(
      input,
      Array.from({ length: total }, (_, i) => ({ key: `k${i}`, value: `v${i}` })),
    );
    let chunks = 0;

    const first = start(input, group, {
      maxRecordsPerChunk: 50,
      hooks: { onChunk: () => (chunks += 1) },
      transform: async (records) => {
        await sleep(30); // slow enough to stop mid-stream
        return identityTo(output)(records);
      },
    });
    await first.start();
    await waitFor('a few chunks', () => chunks >= 5);
    await first.stop();
    await first.done;

    const committed = await committedOffsets(group, input);
    const committedTotal = sumOffsets(committed.values());
    expect(committedTotal).toBeGreaterThan(0);
    expect(committedTotal).toBeLessThan(total);
    // Every produced chunk was committed before stop() returned, and nothing was committed unproduced.
    expect(await recordCount(output)).toBe(committedTotal);

    const seen: ConsumedRecord[] = [];
    const second = start(input, group, {
      transform: (records) => {
        seen.push(...records);
        return identityTo(output)(records);
      },
    });
    await second.start();
    await waitFor(
      'the rest to be committed',
      async () => sumOffsets((await committedOffsets(group, input)).values()) === total,
    );
    for (const r of seen) expect(BigInt(r.offset)).toBeGreaterThanOrEqual(committed.get(r.partition) ?? 0n);
    expect(seen).toHaveLength(total - committedTotal);
    expect(await recordCount(output)).toBe(total);
  });

  it('reports ready once joined and not ready after stop, through isReady and the hook', async () => {
    const input = await createTestTopic('ready-in', { partitions: 1 });
    const changes: Array<[boolean, string | undefined]> = [];
    const consumer = start(input, uniqueName('ready'), {
      fromBeginning: false,
      transform: (records) => mapped(records, []),
      hooks: {
        onReadyChange: (ready, reason) => {
          changes.push([ready, reason]);
          throw new Error('a failing hook must not fail the work');
        },
      },
    });
    expect(consumer.isReady().ready).toBe(false);
    await consumer.start();
    expect(consumer.isReady()).toEqual({ ready: true, reasons: [] });
    await consumer.stop();
    await consumer.stop(); // idempotent
    expect(consumer.isReady().ready).toBe(false);
    expect(consumer.isReady().reasons).toContain('stopping');
    expect(changes).toEqual([
      [true, undefined],
      [false, 'stopping'],
    ]);
    await expect(consumer.done).resolves.toBeUndefined();
  });

  it('stops on a non-retriable send error, rejecting done, with nothing committed', async () => {
    const { input, output, group } = await createPipelineTopics('fatal', 1);
    await produceRaw(input, [{ key: 'k', value: 'v' }]);
    const fatal: string[] = [];
    const consumer = start(input, group, {
      hooks: { onFatal: (e) => fatal.push(e.code) },
      // Larger than the broker's message.max.bytes (1 MiB by default): MESSAGE_TOO_LARGE, which no retry fixes.
      transform: (records) =>
        mapped(
          records,
          records.map(() => ({ topic: output, key: 'k', value: Buffer.alloc(2 * 1024 * 1024, 1) })),
        ),
    });
    await consumer.start();
    await expect(consumer.done).rejects.toMatchObject({
      name: 'KafkaAdapterError',
      code: 'MESSAGE_TOO_LARGE',
      canRetry: false,
    });
    expect(fatal).toEqual(['MESSAGE_TOO_LARGE']);
    expect(consumer.isReady().ready).toBe(false);
    expect(sumOffsets((await committedOffsets(group, input)).values())).toBe(0);
    expect(await recordCount(output)).toBe(0);
  });
});
