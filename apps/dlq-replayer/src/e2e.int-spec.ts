// End to end with the real processor: bad events are dead-lettered, inspected, replayed, dead-lettered again with
// their lineage, and parked by the loop guard; a repaired record reaches the output with its first event_id.
import { createKafkaClient, type ConsumedRecord, type KafkaClient } from '@login/kafka';
import {
  consumeUntil,
  createTestTopic,
  deleteTestTopics,
  produceRaw,
  readCommitted,
  recordCount,
  testBrokers,
  uniqueName,
} from '@login/kafka/testing';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { DLQ_HEADERS as H } from '@login/event-schema';
import { headerString, memoryLogger } from './testing/dlq-fixtures';
import { inspectIn, replayIn, type Topics } from './testing/harness';
import { startProcessor, type RunningProcessor } from './testing/processor';

const root = path.resolve(__dirname, '../../..');
const logger = memoryLogger();
let client: KafkaClient;
const running: RunningProcessor[] = [];

beforeAll(() => {
  execFileSync('npx', ['nx', 'build', 'processor'], {
    cwd: root,
    env: { ...process.env, NX_DAEMON: 'false' },
    stdio: 'ignore',
  });
  client = createKafkaClient({ brokers: testBrokers(), clientId: 'dlq-replayer-e2e', logLevel: 'nothing' }, logger);
}, 180_000);
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop()));
});
afterAll(deleteTestTopics);

async function pipeline(): Promise<Topics & { processorGroup: string }> {
  return {
    input: await createTestTopic('e2e-input'),
    dlq: await createTestTopic('e2e-dlq'),
    output: await createTestTopic('e2e-output'),
    parked: await createTestTopic('e2e-parked'),
    group: uniqueName('e2e-replayer'),
    processorGroup: uniqueName('e2e-processor'),
  };
}

async function processor(t: Topics & { processorGroup: string }, maxClockSkewMs?: number): Promise<RunningProcessor> {
  const p = await startProcessor({
    input: t.input,
    output: t.output,
    dlq: t.dlq,
    group: t.processorGroup,
    ...(maxClockSkewMs !== undefined ? { maxClockSkewMs } : {}),
  });
  running.push(p);
  return p;
}

function event(i: number, timestampS = Math.floor(Date.now() / 1000)): string {
  return JSON.stringify({
    user_id: `424cdd21-063a-43a7-b91b-7ca1a833a${String(i).padStart(3, '0')}`,
    app_version: '2.3.0',
    device_type: 'android',
    ip: '199.172.111.135',
    locale: 'RU',
    device_id: `593-47-${5900 + i}`,
    timestamp: String(timestampS),
  });
}

async function waitCount(topic: string, n: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await recordCount(topic)) < n) {
    if (Date.now() > deadline)
      throw new Error(`${topic}: ${await recordCount(topic)} of ${n} records after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const eventIds = (records: readonly ConsumedRecord[]) => records.map((r) => headerString(r.headers, H.eventId)).sort();

describe('replayer and processor together', () => {
  it('inspect reports the processor dead letters exactly; replay rounds re-inject them until the loop guard parks them', async () => {
    const t = await pipeline();
    await processor(t);
    await produceRaw(t.input, [
      { key: 'k0', value: 'not json {' },
      { key: 'k1', value: '[1,2]' },
      { key: 'k2', value: '{"user_id":"nope"}' },
      { key: 'k3', value: '{"app_version":"2.3.0"}' },
      { key: 'k4', value: 'also not json' },
      { key: 'ok-0', value: event(0) },
      { key: 'ok-1', value: event(1) },
    ]);
    await waitCount(t.output, 2);
    await waitCount(t.dlq, 5);

    const inspected = await inspectIn(client, logger, t);
    expect(inspected.summary.total).toBe(5);
    expect(inspected.summary.byReason).toEqual({ INVALID_JSON: 2, NOT_AN_OBJECT: 1, SCHEMA_VIOLATION: 2 });
    expect(inspected.summary.byRetryable).toEqual({ false: 5 });
    expect(inspected.summary.byReplayCount).toEqual({ '0': 5 });
    const first = await consumeUntil(t.dlq, 5);

    // Not-retryable records move only when named and opted in; NOT_AN_OBJECT stays where it is.
    const selection = ['--reason', 'INVALID_JSON,SCHEMA_VIOLATION', '--include-non-retryable', '--max-replays', '2'];
    const round1 = await replayIn(client, logger, t, selection);
    expect(round1.replayed.total).toBe(4);
    expect(round1.skipped.byDecision).toEqual({ NOT_SELECTED: 1 });
    await waitCount(t.dlq, 9);
    const again = (await consumeUntil(t.dlq, 9)).slice(5);
    expect(again.map((r) => headerString(r.headers, H.replayCount))).toEqual(['1', '1', '1', '1']);
    const selectedFirst = first.filter((r) => headerString(r.headers, H.reason) !== 'NOT_AN_OBJECT');
    expect(eventIds(again)).toEqual(eventIds(selectedFirst));
    expect(again.map((r) => headerString(r.headers, H.firstFailedAt)).sort()).toEqual(
      selectedFirst.map((r) => headerString(r.headers, H.failedAt)).sort(),
    );

    const round2 = await replayIn(client, logger, t, selection);
    expect(round2.replayed.total).toBe(4);
    await waitCount(t.dlq, 13);
    const third = (await consumeUntil(t.dlq, 13)).slice(9);
    expect(third.map((r) => headerString(r.headers, H.replayCount))).toEqual(['2', '2', '2', '2']);

    const round3 = await replayIn(client, logger, t, selection);
    expect(round3.replayed.total).toBe(0);
    expect(round3.parked).toEqual({
      total: 4,
      byReason: { INVALID_JSON: 2, SCHEMA_VIOLATION: 2 },
      byDecision: { MAX_REPLAYS_REACHED: 4 },
    });
    const parked = await consumeUntil(t.parked, 4);
    expect(eventIds(parked)).toEqual(eventIds(selectedFirst));
    // The DLQ stops growing: nothing was re-injected in the last round.
    await new Promise((r) => setTimeout(r, 3000));
    expect(await recordCount(t.dlq)).toBe(13);
    // Read committed: the replays' transaction markers take offsets in the input but are no records.
    expect(await readCommitted(t.input)).toHaveLength(7 + 8);
    expect(await recordCount(t.output)).toBe(2);
  });

  it('a repaired record: TIMESTAMP_OUT_OF_RANGE under a small clock skew reaches the output with its first event_id once the fix is deployed', async () => {
    const t = await pipeline();
    const strict = await processor(t, 1_000);
    const future = Math.floor(Date.now() / 1000) + 600;
    await produceRaw(
      t.input,
      [0, 1, 2].map((i) => ({ key: `f-${i}`, value: event(i, future) })),
    );
    await waitCount(t.dlq, 3);
    const dead = await consumeUntil(t.dlq, 3);
    expect(dead.map((r) => headerString(r.headers, H.reason))).toEqual([
      'TIMESTAMP_OUT_OF_RANGE',
      'TIMESTAMP_OUT_OF_RANGE',
      'TIMESTAMP_OUT_OF_RANGE',
    ]);

    await strict.stop();
    running.splice(running.indexOf(strict), 1);
    await processor(t, 3_600_000); // the "fix deployed"

    const report = await replayIn(client, logger, t, ['--reason', 'TIMESTAMP_OUT_OF_RANGE', '--include-non-retryable']);
    expect(report.replayed).toEqual({ total: 3, byReason: { TIMESTAMP_OUT_OF_RANGE: 3 } });
    await waitCount(t.output, 3);
    const output = await consumeUntil(t.output, 3);
    const ids = output.map((r) => (JSON.parse(r.value!.toString()) as { event_id: string }).event_id).sort();
    expect(ids).toEqual(eventIds(dead));
    expect(await recordCount(t.dlq)).toBe(3);
  });
});
