import { createKafkaClient, type ConsumedRecord, type KafkaClient } from '@login/kafka';
import {
  committedOffsets,
  createTestTopic,
  deleteTestTopics,
  groupsWithOffsets,
  produceRaw,
  readCommitted,
  recordCount,
  testBrokers,
  uniqueName,
} from '@login/kafka/testing';
import { runInspect } from './adapters/inspect';
import { runReplay } from './adapters/replay';
import type { InspectConfig, ReplayConfig } from './config';
import type { InspectResult } from './core/inspect';
import type { ReplayReport } from './core/report';
import { DLQ_HEADERS as H, REPLAYER_HEADERS } from '@login/event-schema';
import { dlqHeaderValues, headerString, memoryLogger } from './testing/dlq-fixtures';
import { collector, configFor, replayIn, testReplayDeps, type Topics } from './testing/harness';
import { createReplayerMetrics, type ReplayerMetrics } from '@login/observability';

const logger = memoryLogger();
let client: KafkaClient;

beforeAll(() => {
  client = createKafkaClient({ brokers: testBrokers(), clientId: 'dlq-replayer-int', logLevel: 'nothing' }, logger);
});
afterAll(deleteTestTopics);

async function topics(partitions = 1, inputConfig: Record<string, string> = {}): Promise<Topics> {
  return {
    input: await createTestTopic('input', { partitions: 1, config: inputConfig }),
    dlq: await createTestTopic('dlq', { partitions }),
    output: await createTestTopic('output', { partitions: 1 }),
    parked: await createTestTopic('parked', { partitions: 1 }),
    group: uniqueName('replayer-group'),
  };
}

const out = collector;
const config = configFor;
const replay = (t: Topics, argv: string[] = [], metrics?: ReplayerMetrics) =>
  replayIn(client, logger, t, argv, metrics);

/** A DLQ record as the processor writes it (docs/contracts.md "Dead letter record"), with one original header of the source record. */
function dead(t: Topics, n: number, overrides: Record<string, string | undefined> = {}, key = `user-${n}`) {
  return {
    key,
    value: Buffer.from(`{"user_id":"${key}","n":${n},"bytes":"\u00e9"}`),
    headers: {
      'x-source-trace': `trace-${n}`,
      ...dlqHeaderValues({
        [H.topic]: t.input,
        [H.offset]: String(100 + n),
        [H.eventId]: `event-${n}`,
        [H.failedAt]: String(Date.UTC(2026, 0, 1, 10 + (n % 2), 0, n)),
        [H.firstFailedAt]: String(Date.UTC(2026, 0, 1, 9, 0, 0)),
        ...overrides,
      }),
    },
  };
}

const nonRetryable = { [H.reason]: 'SCHEMA_VIOLATION', [H.stage]: 'VALIDATE', [H.retryable]: 'false' };
const invalidJson = {
  [H.reason]: 'INVALID_JSON',
  [H.stage]: 'DESERIALIZE',
  [H.retryable]: 'false',
  [H.processor]: 'processor@0.9.0 host-b',
};

describe('dlq-replayer against a real broker', () => {
  it('inspect counts a hand-made DLQ exactly, by reason, stage, retryable, processor and hour, and commits nothing', async () => {
    const t = await topics(2);
    await produceRaw(t.dlq, [
      ...[0, 1, 2].map((n) => ({ ...dead(t, n), partition: 0 })),
      ...[3, 4].map((n) => ({ ...dead(t, n, nonRetryable), partition: 1 })),
      { ...dead(t, 5, invalidJson), partition: 1 },
    ]);
    const stdout = out();
    const result = await runInspect(config<InspectConfig>(t, ['inspect', '--sample', '2', '--json']), {
      client,
      logger,
      stdout,
      runId: 'inspect-1',
    });
    const s = result.summary;
    expect(s.total).toBe(6);
    expect(s.byReason).toEqual({ INVALID_JSON: 1, SCHEMA_VIOLATION: 2, TIMESTAMP_OUT_OF_RANGE: 3 });
    expect(s.byStage).toEqual({ DESERIALIZE: 1, VALIDATE: 5 });
    expect(s.byRetryable).toEqual({ false: 3, true: 3 });
    expect(s.byProcessor).toEqual({ 'processor@0.9.0': 1, 'processor@1.0.0': 5 });
    expect(s.byHour).toEqual({ '2026-01-01T10:00Z': 3, '2026-01-01T11:00Z': 3 });
    expect(s.oldest?.failedAt).toBe('2026-01-01T10:00:00.000Z');
    expect(s.newest?.failedAt).toBe('2026-01-01T11:00:05.000Z');
    expect(s.samples).toHaveLength(2);
    expect(s.samples[0]!.headers[H.reason]).toBeDefined();
    expect(s.samples[0]).not.toHaveProperty('value');
    expect(JSON.parse(stdout.chunks.join(''))).toMatchObject({ topic: t.dlq, summary: { total: 6 } });
    // Not the replayer's group, not the throwaway group earlier versions used, not any group on the broker.
    expect([...(await committedOffsets(t.group, t.dlq)).values()].every((o) => o < 0n)).toBe(true);
    expect([...(await committedOffsets(`${t.group}.inspect.inspect-1`, t.dlq)).values()].every((o) => o < 0n)).toBe(
      true,
    );
    expect(await groupsWithOffsets(t.dlq)).toEqual(new Map());

    const withValues = await runInspect(
      config<InspectConfig>(t, ['inspect', '--sample', '1', '--show-values', '--reason', 'INVALID_JSON']),
      {
        client,
        logger,
        stdout: out(),
        runId: 'inspect-2',
      },
    );
    expect(withValues.summary.total).toBe(1);
    expect(withValues.summary.samples[0]!.value).toBe('{"user_id":"user-5","n":5,"bytes":"é"}');
    expect(await groupsWithOffsets(t.dlq)).toEqual(new Map());
  });

  it('replay re-publishes the retryable records byte for byte with their lineage, skips the others, and commits to the end', async () => {
    const t = await topics();
    const sources = [dead(t, 0), dead(t, 1, { [H.replayCount]: '1' }), dead(t, 2, nonRetryable), dead(t, 3)];
    await produceRaw(t.dlq, sources);

    const report = await replay(t);

    expect(report.outcome).toBe('complete');
    expect(report.replayed).toEqual({ total: 3, byReason: { TIMESTAMP_OUT_OF_RANGE: 3 } });
    expect(report.skipped).toEqual({ total: 1, byReason: { SCHEMA_VIOLATION: 1 }, byDecision: { NON_RETRYABLE: 1 } });
    expect(report.parked.total).toBe(0);
    const replayed = await readCommitted(t.input);
    expect(replayed).toHaveLength(3);
    const byKey = new Map(replayed.map((r) => [r.key!.toString(), r]));
    for (const [i, source] of sources.entries()) {
      if (i === 2) {
        expect(byKey.has(source.key)).toBe(false);
        continue;
      }
      const r = byKey.get(source.key)!;
      expect(r.value).toEqual(source.value);
      expect(headerString(r.headers, 'x-source-trace')).toBe(`trace-${i}`);
      expect(headerString(r.headers, H.replayCount)).toBe(i === 1 ? '2' : '1');
      expect(headerString(r.headers, H.eventId)).toBe(`event-${i}`);
      expect(headerString(r.headers, H.firstFailedAt)).toBe(String(Date.UTC(2026, 0, 1, 9, 0, 0)));
      expect(headerString(r.headers, H.replayId)).toBe(report.runId);
      expect(Number(headerString(r.headers, H.replayAt))).toBeGreaterThan(Date.now() - 60_000);
      const dlqContext = Object.keys(r.headers)
        .filter((h) => h.startsWith('__dlq.errors.'))
        .sort();
      expect(dlqContext).toEqual([H.eventId, H.firstFailedAt, H.replayCount].sort());
    }
    expect(await committedOffsets(t.group, t.dlq)).toEqual(new Map([[0, 4n]]));

    // A second run on the same group resumes at the end: nothing is re-published twice.
    const again = await replay(t);
    expect(again.read).toBe(0);
    expect(await readCommitted(t.input)).toHaveLength(3);
  });

  it('the loop guard parks records replayed --max-replays times, headers intact plus the parked-at header', async () => {
    const t = await topics();
    await produceRaw(t.dlq, [
      dead(t, 0, { [H.replayCount]: '3' }),
      dead(t, 1, { [H.replayCount]: '2' }),
      dead(t, 2, { [H.replayCount]: '1' }),
    ]);

    const report = await replay(t, ['--max-replays', '2']);

    expect(report.parked).toEqual({
      total: 2,
      byReason: { TIMESTAMP_OUT_OF_RANGE: 2 },
      byDecision: { MAX_REPLAYS_REACHED: 2 },
    });
    expect(report.replayed.total).toBe(1);
    const parked: ConsumedRecord[] = await readCommitted(t.parked);
    expect(parked.map((r) => r.key!.toString()).sort()).toEqual(['user-0', 'user-1']);
    for (const r of parked) {
      expect(headerString(r.headers, H.reason)).toBe('TIMESTAMP_OUT_OF_RANGE');
      expect(headerString(r.headers, H.topic)).toBe(t.input);
      expect(headerString(r.headers, 'x-source-trace')).toMatch(/^trace-/);
      expect(Number(headerString(r.headers, REPLAYER_HEADERS.parkedAt))).toBeGreaterThan(0);
      expect(headerString(r.headers, REPLAYER_HEADERS.parkedReason)).toBe('MAX_REPLAYS_REACHED');
    }
    const input = await readCommitted(t.input);
    expect(input.map((r) => headerString(r.headers, H.replayCount))).toEqual(['2']);
  });

  it('--dry-run writes and commits nothing and counts what would happen, by reason', async () => {
    const t = await topics();
    await produceRaw(t.dlq, [
      dead(t, 0),
      dead(t, 1, { [H.replayCount]: '5' }),
      dead(t, 2, nonRetryable),
      dead(t, 3, { [H.replayCount]: 'x' }),
    ]);

    const report = await replay(t, ['--dry-run']);

    expect(report.dryRun).toBe(true);
    expect(report.replayed).toEqual({ total: 1, byReason: { TIMESTAMP_OUT_OF_RANGE: 1 } });
    expect(report.parked).toEqual({
      total: 1,
      byReason: { TIMESTAMP_OUT_OF_RANGE: 1 },
      byDecision: { MAX_REPLAYS_REACHED: 1 },
    });
    expect(report.skipped.byDecision).toEqual({ MALFORMED_HEADERS: 1, NON_RETRYABLE: 1 });
    expect(await recordCount(t.input)).toBe(0);
    expect([...(await committedOffsets(t.group, t.dlq)).values()].every((o) => o < 0n)).toBe(true);
    expect(await groupsWithOffsets(t.dlq)).toEqual(new Map());
  });

  it('replay is strictly bounded: dead letters arriving during the run are left for the next run, untouched', async () => {
    const t = await topics(2);
    // Partition 0 holds three record batches of ~800 KB, so the run needs several fetches (1 MiB per partition
    // each); partition 1 is empty when the run starts. After the first chunk, new dead letters go to both.
    const big = (n: number) => ({ ...dead(t, n), value: Buffer.alloc(200_000, n), partition: 0 });
    for (const batch of [0, 4, 8])
      await produceRaw(
        t.dlq,
        [0, 1, 2, 3].map((i) => big(batch + i)),
      );
    const late = [0, 1, 2].flatMap((n) => [
      { ...dead(t, 200 + n), partition: 0 },
      { ...dead(t, 300 + n), partition: 1 },
    ]);
    let appended = 0;
    const stdout = out();

    await runReplay(config<ReplayConfig>(t, ['replay', '--json']), {
      ...testReplayDeps(client, logger, stdout),
      afterChunk: async () => {
        if (appended > 0) return;
        await produceRaw(t.dlq, late);
        appended = late.length;
      },
    });
    const report = JSON.parse(stdout.chunks.join('')) as ReplayReport & { beyondCapturedEnd: number };

    expect(appended).toBe(6);
    expect(report.outcome).toBe('complete');
    expect(report.partitions).toEqual([
      { partition: 0, start: '0', end: '12', next: '12' },
      { partition: 1, start: '0', end: '0', next: '0' },
    ]);
    expect(report.read).toBe(12);
    expect(report.replayed.total).toBe(12);
    expect(report.beyondCapturedEnd).toBe(0);
    expect(await committedOffsets(t.group, t.dlq)).toEqual(
      new Map([
        [0, 12n],
        [1, -1n],
      ]),
    );
    const republished = await readCommitted(t.input);
    expect(republished.map((r) => r.key!.toString()).sort()).toEqual(
      Array.from({ length: 12 }, (_, n) => `user-${n}`).sort(),
    );

    // The next run handles exactly the new ones.
    const next = await replay(t);
    expect(next.partitions).toEqual([
      { partition: 0, start: '12', end: '15', next: '15' },
      { partition: 1, start: '0', end: '3', next: '3' },
    ]);
    expect(next.replayed.total).toBe(6);
    expect(await readCommitted(t.input)).toHaveLength(18);
  });

  it('replays non-retryable records only when their reason is named with --include-non-retryable, and honours --max', async () => {
    const t = await topics();
    await produceRaw(t.dlq, [
      dead(t, 0, nonRetryable),
      dead(t, 1, invalidJson),
      dead(t, 2, nonRetryable),
      dead(t, 3, nonRetryable),
    ]);

    const first = await replay(t, ['--reason', 'SCHEMA_VIOLATION', '--include-non-retryable', '--max', '2']);
    expect(first.outcome).toBe('max');
    expect(first.replayed).toEqual({ total: 2, byReason: { SCHEMA_VIOLATION: 2 } });
    expect(first.skipped.byDecision).toEqual({ NOT_SELECTED: 1 });

    const rest = await replay(t, ['--reason', 'SCHEMA_VIOLATION', '--include-non-retryable']);
    expect(rest.replayed.total).toBe(1);
    const input = await readCommitted(t.input);
    expect(input.map((r) => r.key!.toString()).sort()).toEqual(['user-0', 'user-2', 'user-3']);
  });

  it('never re-publishes to a topic other than the configured input, nor to the DLQ or output topic', async () => {
    const t = await topics();
    await produceRaw(t.dlq, [
      dead(t, 0, { [H.topic]: 'some-other-topic' }),
      dead(t, 1, { [H.topic]: t.output }),
      dead(t, 2, { [H.topic]: t.dlq }),
    ]);

    const report = await replay(t);

    expect(report.skipped.byDecision).toEqual({ FORBIDDEN_TARGET: 2, TARGET_MISMATCH: 1 });
    // Only the commit marker of the transaction that moved the group past them.
    expect(await readCommitted(t.input)).toEqual([]);
    expect(await recordCount(t.output)).toBe(0);
    expect(await recordCount(t.dlq)).toBe(3);
  });

  it('counts login_replayer_* metrics by reason and decision', async () => {
    const t = await topics();
    await produceRaw(t.dlq, [dead(t, 0), dead(t, 1, { [H.replayCount]: '3' }), dead(t, 2, nonRetryable)]);
    const metrics = createReplayerMetrics({ defaultMetrics: false });

    await replay(t, [], metrics);

    const text = await metrics.registry.metrics();
    expect(text).toContain('login_replayer_records_read_total 3');
    expect(text).toContain('login_replayer_records_replayed_total{reason="TIMESTAMP_OUT_OF_RANGE"} 1');
    expect(text).toContain('login_replayer_records_parked_total{reason="TIMESTAMP_OUT_OF_RANGE"} 1');
    expect(text).toContain(
      'login_replayer_records_skipped_total{reason="SCHEMA_VIOLATION",decision="NON_RETRYABLE"} 1',
    );
    expect(text).toContain('login_replayer_remaining_records 0');
  });

  it('parks a record whose replay would exceed the input topic limit, with the reason, and goes on with the others', async () => {
    const t = await topics(1, { 'max.message.bytes': '100000' });
    // 99,800 bytes fit the input's 100,000 with the source's own header, but not with the lineage a replay adds.
    const sources = [dead(t, 0), { ...dead(t, 1), value: Buffer.alloc(99_800, 1) }, dead(t, 2)];
    await produceRaw(t.dlq, sources);

    const report = await replay(t);

    expect(report.outcome).toBe('complete');
    expect(report.replayed.total).toBe(2);
    expect(report.parked).toEqual({
      total: 1,
      byReason: { TIMESTAMP_OUT_OF_RANGE: 1 },
      byDecision: { TOO_LARGE_FOR_TARGET: 1 },
    });
    expect((await readCommitted(t.input)).map((r) => r.key!.toString())).toEqual(['user-0', 'user-2']);
    const [parked] = await readCommitted(t.parked);
    expect(parked!.value).toEqual(sources[1]!.value);
    expect(headerString(parked!.headers, REPLAYER_HEADERS.parkedReason)).toBe('TOO_LARGE_FOR_TARGET');
    expect(headerString(parked!.headers, H.replayCount)).toBe('0');
    expect(await committedOffsets(t.group, t.dlq)).toEqual(new Map([[0, 3n]]));
  });
});

describe('dlq-replayer on a DLQ of more than 5 MiB per partition, oversized values included', () => {
  const REASONS = [
    { reason: 'TIMESTAMP_OUT_OF_RANGE', stage: 'VALIDATE', retryable: 'true' },
    { reason: 'SCHEMA_VIOLATION', stage: 'VALIDATE', retryable: 'false' },
    { reason: 'INVALID_JSON', stage: 'DESERIALIZE', retryable: 'false' },
    { reason: 'ENRICH_FAILED', stage: 'ENRICH', retryable: 'true' },
  ];
  let t: Topics;
  let records: { key: string; value: Buffer; partition: number; headers: Record<string, string> }[];

  beforeAll(async () => {
    t = await topics(2);
    // Per partition: 75 oversized values of 64–96 KiB (VALUE_TOO_LARGE, as the processor dead-letters them) and
    // 897 small ones of four reasons: about 6 MiB, several times the 1 MiB a fetch takes per partition.
    records = [];
    for (let n = 0; n < 1944; n++) {
      const partition = n % 2;
      const oversized = Math.floor(n / 2) % 13 === 0;
      const kind = oversized
        ? { reason: 'VALUE_TOO_LARGE', stage: 'DESERIALIZE', retryable: 'false' }
        : REASONS[n % REASONS.length]!;
      const base = dead(t, n, { [H.reason]: kind.reason, [H.stage]: kind.stage, [H.retryable]: kind.retryable });
      records.push({
        ...base,
        partition,
        value: oversized ? Buffer.alloc(65_536 + ((n * 977) % 32_768), n % 251) : base.value,
      });
    }
    for (let i = 0; i < records.length; i += 300) await produceRaw(t.dlq, records.slice(i, i + 300));
    for (const p of [0, 1]) {
      expect(records.filter((r) => r.partition === p).reduce((sum, r) => sum + r.value.length, 0)).toBeGreaterThan(
        5 * 1024 * 1024,
      );
    }
  }, 120_000);

  const countBy = <T>(items: readonly T[], key: (item: T) => string) =>
    items.reduce<Record<string, number>>((acc, item) => ((acc[key(item)] = (acc[key(item)] ?? 0) + 1), acc), {});

  it('inspect --json totals per reason and per partition equal an independent count, and commit nothing', async () => {
    const stdout = out();
    await runInspect(config<InspectConfig>(t, ['inspect', '--json']), {
      client,
      logger,
      stdout,
      runId: 'inspect-large',
    });
    const result = JSON.parse(stdout.chunks.join('')) as InspectResult;

    expect(result.outcome).toBe('complete');
    expect(result.summary.total).toBe(records.length);
    expect(result.summary.byReason).toEqual(countBy(records, (r) => r.headers[H.reason]!));
    expect(result.partitions.map((p) => [p.partition, p.records])).toEqual(
      [0, 1].map((p) => [p, records.filter((r) => r.partition === p).length]),
    );
    expect(result.partitions.map((p) => p.end)).toEqual(
      [0, 1].map((p) => String(records.filter((r) => r.partition === p).length)),
    );
    const valueBytes = (p: number) =>
      records.filter((r) => r.partition === p).reduce((sum, r) => sum + r.value.length, 0);
    for (const p of result.summary.partitions) expect(p.bytes).toBeGreaterThan(valueBytes(p.partition));
    expect(await groupsWithOffsets(t.dlq)).toEqual(new Map());
  });

  it('replay --dry-run reads it all, counts what a replay would do, and writes and commits nothing', async () => {
    const report = await replay(t, [
      '--dry-run',
      '--reason',
      'TIMESTAMP_OUT_OF_RANGE,VALUE_TOO_LARGE',
      '--include-non-retryable',
    ]);

    const selected = records.filter((r) =>
      ['TIMESTAMP_OUT_OF_RANGE', 'VALUE_TOO_LARGE'].includes(r.headers[H.reason]!),
    );
    expect(report.outcome).toBe('complete');
    expect(report.read).toBe(records.length);
    expect(report.replayed.byReason).toEqual(countBy(selected, (r) => r.headers[H.reason]!));
    expect(report.skipped.byDecision).toEqual({ NOT_SELECTED: records.length - selected.length });
    expect(await recordCount(t.input)).toBe(0);
    expect(await recordCount(t.parked)).toBe(0);
    expect(await groupsWithOffsets(t.dlq)).toEqual(new Map());
  });

  it('replay moves exactly the selected records, byte-identical with their lineage; an identical second run moves nothing', async () => {
    const selection = ['--reason', 'TIMESTAMP_OUT_OF_RANGE,VALUE_TOO_LARGE', '--include-non-retryable'];
    const report = await replay(t, selection);

    const selected = records.filter((r) =>
      ['TIMESTAMP_OUT_OF_RANGE', 'VALUE_TOO_LARGE'].includes(r.headers[H.reason]!),
    );
    expect(report.outcome).toBe('complete');
    expect(report.replayed.total).toBe(selected.length);
    const input = await readCommitted(t.input);
    expect(input).toHaveLength(selected.length);
    const byEvent = new Map(input.map((r) => [headerString(r.headers, H.eventId), r]));
    for (const source of selected) {
      const r = byEvent.get(source.headers[H.eventId]);
      expect(r?.key?.toString()).toBe(source.key);
      expect(r!.value!.equals(source.value)).toBe(true);
      expect(headerString(r!.headers, H.replayCount)).toBe('1');
      expect(headerString(r!.headers, H.replayId)).toBe(report.runId);
      expect(headerString(r!.headers, 'x-source-trace')).toBe(source.headers['x-source-trace']);
    }
    expect(await committedOffsets(t.group, t.dlq)).toEqual(
      new Map([0, 1].map((p) => [p, BigInt(records.filter((r) => r.partition === p).length)])),
    );

    const again = await replay(t, selection);
    expect(again.read).toBe(0);
    expect(again.replayed.total).toBe(0);
    expect(await readCommitted(t.input)).toHaveLength(selected.length);
  });
});
