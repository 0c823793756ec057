import { createEventBuilder, DEFAULT_BUILDER_OPTIONS } from './event-builder';
import type { GeneratedRecord } from './event-builder';
import { createFakerSource } from './faker-source';
import type { GenerateOptions, RecordSink } from './generate';
import { generate } from './generate';
import { createRunStats } from './stats';

/** A virtual clock: sleeping advances it, so seconds of throttled generation run in milliseconds. */
function virtualTime(start = 1_700_000_000_000) {
  let t = start;
  return {
    clock: { now: () => t },
    advance: (ms: number) => (t += ms),
    sleep: async (ms: number, signal: AbortSignal) => {
      if (!signal.aborted) t += ms;
      await Promise.resolve();
    },
  };
}

function setup(options: Partial<GenerateOptions>, sink: RecordSink, invalidRatio = 0) {
  const time = virtualTime();
  const controller = new AbortController();
  const stats = createRunStats();
  const builder = createEventBuilder({ ...DEFAULT_BUILDER_OPTIONS, seed: 3, invalidRatio }, createFakerSource);
  const run = () =>
    generate(
      { rate: 0, batchSize: 100, maxInFlight: 4, ...options },
      { builder, sink, stats, clock: time.clock, sleep: time.sleep, signal: controller.signal },
    );
  return { time, controller, stats, run };
}

const collect = () => {
  const batches: GeneratedRecord[][] = [];
  return { batches, sink: { send: async (r: readonly GeneratedRecord[]) => void batches.push([...r]) } };
};

describe('generate', () => {
  it('produces exactly --count records in batches of at most --batch-size', async () => {
    const { batches, sink } = collect();
    const { run, stats } = setup({ count: 1234, batchSize: 100 }, sink);
    const result = await run();
    expect(result.stoppedBy).toBe('count');
    expect(batches.flat()).toHaveLength(1234);
    expect(Math.max(...batches.map((b) => b.length))).toBe(100);
    expect(stats.totals.produced).toBe(1234);
    expect(stats.totals.batches).toBe(13);
  });

  it.each([1, 1000, 20_000])('keeps --rate %p within 1%% over 30 s (virtual time)', async (rate) => {
    const { batches, sink } = collect();
    const { run, time } = setup({ rate, durationMs: 30_000, batchSize: 500 }, sink);
    const result = await run();
    expect(result.stoppedBy).toBe('duration');
    const seconds = (result.endedAt - result.startedAt) / 1000;
    const achieved = batches.flat().length / seconds;
    expect(Math.abs(achieved - rate) / rate).toBeLessThanOrEqual(0.01 + 1 / (rate * 30));
    expect(time.clock.now()).toBeGreaterThan(0);
  });

  it('sends small batches often when throttled, not one burst per second', async () => {
    const { batches, sink } = collect();
    const { run } = setup({ rate: 1000, durationMs: 2_000, batchSize: 500 }, sink);
    await run();
    expect(Math.max(...batches.map((b) => b.length))).toBeLessThanOrEqual(50);
  });

  it('keeps at most --max-in-flight batches unacknowledged and never awaits one send per event', async () => {
    let inFlight = 0;
    let peak = 0;
    const acks: Array<() => void> = [];
    const sink: RecordSink = {
      send: () => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        return new Promise<void>((resolve) => acks.push(() => ((inFlight -= 1), resolve())));
      },
    };
    const { run, stats } = setup({ count: 2000, batchSize: 100, maxInFlight: 4 }, sink);
    const done = run();
    while (stats.totals.produced < 2000) {
      await new Promise((r) => setImmediate(r));
      acks.splice(0).forEach((ack) => ack());
    }
    await done;
    expect(peak).toBe(4);
  });

  it('on abort stops generating and waits for every in-flight batch before returning', async () => {
    const pending: Array<() => void> = [];
    const sink: RecordSink = { send: () => new Promise<void>((resolve) => pending.push(resolve)) };
    const { run, controller, stats } = setup({ batchSize: 10, maxInFlight: 3 }, sink);
    let finished = false;
    const done = run().then((r) => ((finished = true), r));
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    expect(pending).toHaveLength(3);
    controller.abort();
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    expect(finished).toBe(false);
    pending.forEach((resolve) => resolve());
    const result = await done;
    expect(result.stoppedBy).toBe('signal');
    expect(stats.totals.generated).toBe(30);
    expect(stats.totals.produced).toBe(30);
  });

  it('counts a failed batch as failed, per kind, and carries on', async () => {
    let calls = 0;
    const sink: RecordSink = {
      send: async () => {
        calls += 1;
        if (calls === 2) throw new Error('broker said no');
      },
    };
    const { run, stats } = setup({ count: 300, batchSize: 100 }, sink, 0.5);
    await run();
    expect(stats.totals.produced).toBe(200);
    expect(stats.totals.failed).toBe(100);
    expect(stats.totals.sendErrors).toBe(1);
    expect([...stats.totals.failedByKind.values()].reduce((a, b) => a + b, 0)).toBe(100);
    expect(stats.totals.lastError).toBe('Error: broker said no');
  });

  it('counts what was produced per kind and per expected reason', async () => {
    const { batches, sink } = collect();
    const { run, stats } = setup({ count: 5000 }, sink, 0.1);
    await run();
    const records = batches.flat();
    const invalid = records.filter((r) => r.expectedReason !== null);
    expect(stats.totals.producedInvalid).toBe(invalid.length);
    for (const r of invalid) expect(stats.totals.producedByKind.get(r.kind)).toBeGreaterThan(0);
    const byReason = [...stats.totals.producedByReason.values()].reduce((a, b) => a + b, 0);
    expect(byReason).toBe(invalid.length);
  });

  it('stamps events with the wall clock, not the rate clock', async () => {
    const { batches, sink } = collect();
    const stats = createRunStats();
    const builder = createEventBuilder(
      { ...DEFAULT_BUILDER_OPTIONS, seed: 3, jitterMs: 0, lateRatio: 0 },
      createFakerSource,
    );
    const wall = Date.UTC(2026, 0, 1);
    await generate(
      { rate: 0, batchSize: 10, maxInFlight: 1, count: 10 },
      {
        builder,
        sink,
        stats,
        clock: { now: () => 5 },
        wallClock: { now: () => wall },
        sleep: async () => undefined,
        signal: new AbortController().signal,
      },
    );
    for (const r of batches.flat())
      expect(JSON.parse(r.value!.toString())).toMatchObject({ timestamp: String(wall / 1000) });
  });
});
