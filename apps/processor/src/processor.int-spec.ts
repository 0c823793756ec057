import { DLQ_HEADERS, lastHeaderText, validateOutputEvent } from '@login/event-schema';
import type { OutgoingRecord } from '@login/kafka';
import {
  committedOffsets,
  createTestTopic,
  deleteTestTopics,
  produceRaw,
  recordCount,
  uniqueName,
  waitFor,
} from '@login/kafka/testing';
import { account, waitUntilDrained } from './testing/accounting';
import { validEvent } from './testing/events';
import { killLeftovers, ProcessorProcess } from './testing/processor-process';

type Raw = Omit<OutgoingRecord, 'topic'>;

async function topics(partitions = 3) {
  return {
    input: await createTestTopic('in', { partitions }),
    output: await createTestTopic('out', { partitions }),
    dlq: await createTestTopic('dlq', { partitions }),
    group: uniqueName('processor'),
  };
}

function validRecords(n: number, from = 0): Array<Raw & { raw: ReturnType<typeof validEvent> }> {
  return Array.from({ length: n }, (_, k) => {
    const raw = validEvent(from + k);
    return { raw, key: raw.user_id, value: JSON.stringify(raw) };
  });
}

/** Header text by the rule every reader uses (the last value of a repeated name). */
const header = lastHeaderText;

/** Every log line of every processor run in this file, checked for raw PII at the end. */
const allLogs: string[] = [];
const allPii: string[] = [];
const running: ProcessorProcess[] = [];

async function start(t: Awaited<ReturnType<typeof topics>>, env: Record<string, string> = {}) {
  const p = await ProcessorProcess.start({ ...t, env });
  running.push(p);
  return p;
}

afterEach(async () => {
  for (const p of await killLeftovers(running)) allLogs.push(...p.logs);
});

afterAll(deleteTestTopics);

describe('processor against a real broker', () => {
  it('gives every input exactly one outcome: masked outputs keyed by user_id, byte-identical dead letters', async () => {
    const t = await topics();
    const good = validRecords(1500);
    const bad: Raw[] = [
      { key: 'k-empty', value: '' },
      { key: 'k-null', value: null },
      { key: 'k-json', value: '{"user_id": oops', headers: { 'x-origin': 'mobile' } },
      { key: 'k-array', value: '[1,2,3]' },
      { key: Buffer.from([0xff, 0x00]), value: Buffer.from([0xc3, 0x28, 0xa0, 0xa1]) },
      {
        key: 'k-schema',
        value: JSON.stringify({ ...validEvent(1), ip: 'not-an-ip' }),
        headers: { 'x-trace': Buffer.from([1, 2, 3]) },
      },
      { key: 'k-old', value: JSON.stringify({ ...validEvent(2), timestamp: '12' }) },
      { key: 'k-big', value: JSON.stringify({ ...validEvent(3), pad: 'y'.repeat(70_000) }) },
    ];
    const records: Raw[] = [...good.slice(0, 700), ...bad, ...good.slice(700)];
    allPii.push(...good.flatMap((g) => [g.raw.device_id, g.raw.ip]));
    await produceRaw(t.input, records);

    const processor = await start(t);
    await processor.waitReady();
    await waitUntilDrained(t, () => `not drained:\n${processor.logs.slice(-20).join('\n')}`, 60_000);

    const result = await account(t.input, t.output, t.dlq);
    expect(result.missing).toEqual([]);
    expect(result.unknown).toBe(0);
    expect(result.duplicates).toBe(0);
    expect(result.outputs).toBe(good.length);
    expect(result.deadLetters).toBe(bad.length);

    const byUser = new Map(good.map((g) => [g.raw.user_id, g.raw]));
    for (const out of result.outputRecords) {
      const event = JSON.parse(out.value!.toString('utf8'));
      expect(validateOutputEvent(event)).toEqual({ ok: true });
      expect(out.key!.toString()).toBe(event.user_id);
      const raw = byUser.get(event.user_id)!;
      expect(out.value!.toString()).not.toContain(raw.device_id);
      expect(event.ip).not.toBe(raw.ip);
    }

    const keyOf = (k: Buffer) => (k[0] === 0xff ? k.toString('hex') : k.toString('utf8'));
    const sent = new Map(bad.map((b) => [Buffer.isBuffer(b.key) ? b.key.toString('hex') : String(b.key), b]));
    const reasons: string[] = [];
    for (const dl of result.dlqRecords) {
      const original = sent.get(keyOf(dl.key!))!;
      expect(original).toBeDefined();
      expect(dl.value).toEqual(original.value === null ? null : Buffer.from(original.value as string | Buffer));
      for (const [name, value] of Object.entries(original.headers ?? {})) {
        expect(dl.headers[name]).toEqual(Buffer.from(value as string | Buffer));
      }
      for (const name of [
        DLQ_HEADERS.topic,
        DLQ_HEADERS.partition,
        DLQ_HEADERS.offset,
        DLQ_HEADERS.group,
        DLQ_HEADERS.originalTimestamp,
        DLQ_HEADERS.failedAt,
        DLQ_HEADERS.stage,
        DLQ_HEADERS.reason,
        DLQ_HEADERS.retryable,
        DLQ_HEADERS.exceptionClass,
        DLQ_HEADERS.message,
        DLQ_HEADERS.schemaId,
        DLQ_HEADERS.processor,
        DLQ_HEADERS.eventId,
        DLQ_HEADERS.replayCount,
        DLQ_HEADERS.firstFailedAt,
      ]) {
        expect(header(dl.headers, name)).toBeDefined();
      }
      expect(header(dl.headers, DLQ_HEADERS.topic)).toBe(t.input);
      expect(header(dl.headers, DLQ_HEADERS.group)).toBe(t.group);
      reasons.push(header(dl.headers, DLQ_HEADERS.reason)!);
    }
    expect(reasons.sort()).toEqual(
      [
        'EMPTY_VALUE',
        'EMPTY_VALUE',
        'INVALID_ENCODING',
        'INVALID_JSON',
        'NOT_AN_OBJECT',
        'SCHEMA_VIOLATION',
        'TIMESTAMP_OUT_OF_RANGE',
        'VALUE_TOO_LARGE',
      ].sort(),
    );

    processor.kill('SIGTERM');
    expect(await processor.exited).toEqual({ code: 0, signal: null });
  });

  it('survives SIGKILL mid-stream: after a restart every input is accounted for (duplicates counted, none missing)', async () => {
    const t = await topics();
    const total = 50_000;
    const records: Raw[] = validRecords(total).map((r, i) => (i % 50 === 0 ? { key: r.key, value: 'not json' } : r));
    await produceRaw(t.input, records);

    const first = await start(t);
    await first.waitReady();
    await waitFor(
      () => 'no progress before the kill',
      async () => (await recordCount(t.output)) > total / 5,
      120_000,
    );
    first.kill('SIGKILL');
    await first.exited;
    const beforeRestart = (await recordCount(t.output)) + (await recordCount(t.dlq));
    expect(beforeRestart).toBeLessThan(total);

    const second = await start(t);
    await second.waitReady();
    await waitUntilDrained(t, () => 'not drained after restart', 180_000);
    const result = await account(t.input, t.output, t.dlq);
    expect(result.missing).toEqual([]);
    expect(result.unknown).toBe(0);
    expect(result.outputs + result.deadLetters).toBe(total + result.duplicates);
    expect(result.deadLetters - total / 50).toBeGreaterThanOrEqual(0);
    process.stdout.write(`SIGKILL test: ${total} inputs, ${result.duplicates} duplicates after restart\n`);
    second.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
  });

  it('on SIGTERM commits what it produced, exits 0 within the grace period, and a restart reprocesses nothing', async () => {
    const t = await topics();
    const total = 30_000;
    await produceRaw(t.input, validRecords(total));

    const first = await start(t);
    await first.waitReady();
    await waitFor(
      () => 'no progress before SIGTERM',
      async () => (await recordCount(t.output)) > total / 10,
      120_000,
    );
    const t0 = Date.now();
    first.kill('SIGTERM');
    const exit = await first.exited;
    if (exit.code !== 0) process.stdout.write(first.logs.slice(-30).join('\n'));
    expect(exit).toEqual({ code: 0, signal: null });
    expect(Date.now() - t0).toBeLessThan(25_000);

    const committed = [...(await committedOffsets(t.group, t.input)).values()].reduce(
      (a, b) => a + (b > 0n ? b : 0n),
      0n,
    );
    expect(Number(committed)).toBe(await recordCount(t.output));

    const second = await start(t);
    await second.waitReady();
    await waitUntilDrained(t, () => `not drained after restart:\n${second.logs.slice(-30).join('\n')}`, 100_000);
    const result = await account(t.input, t.output, t.dlq);
    expect(result.missing).toEqual([]);
    expect(result.duplicates).toBe(0);
    expect(result.outputs).toBe(total);
    second.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
  }, 300_000);

  it('refuses to start with a DLQ topic equal to the input topic, or without a masking key, naming the variables (exit 2)', async () => {
    const t = await topics(1);
    const same = await start({ ...t, dlq: t.input });
    expect((await same.exited).code).toBe(2);
    expect(same.logs.join('\n')).toMatch(/DLQ_TOPIC/);
    const noKey = await start(t, { MASKING_KEY: '', HTTP_PORT: 'abc' });
    expect((await noKey.exited).code).toBe(2);
    expect(noKey.logs.join('\n')).toMatch(/MASKING_KEY/);
    expect(noKey.logs.join('\n')).toMatch(/HTTP_PORT/);
  });

  it('wrote no raw device_id or ip into any log line of the runs above (LOG_LEVEL=debug)', () => {
    expect(allLogs.length).toBeGreaterThan(0);
    expect(allPii.length).toBeGreaterThan(0);
    const leaks = allPii.filter((pii) => allLogs.some((line) => line.includes(pii)));
    expect(leaks).toEqual([]);
  });
});
