import { backoffDelay, createSleeper, DEFAULT_RETRY_POLICY, type RetryPolicy } from './backoff';

const noJitter: RetryPolicy = { ...DEFAULT_RETRY_POLICY, jitter: 0 };

describe('backoffDelay', () => {
  it('doubles from 100 ms and caps at 10 s by default (no jitter)', () => {
    const schedule = Array.from({ length: 10 }, (_, i) => backoffDelay(i + 1, noJitter));
    expect(schedule).toEqual([100, 200, 400, 800, 1600, 3200, 6400, 10_000, 10_000, 10_000]);
  });

  it('spreads each delay by ±jitter around the exponential value', () => {
    expect(backoffDelay(3, DEFAULT_RETRY_POLICY, () => 0)).toBe(320); // 400 − 20 %
    expect(backoffDelay(3, DEFAULT_RETRY_POLICY, () => 0.5)).toBe(400);
    expect(backoffDelay(3, DEFAULT_RETRY_POLICY, () => 0.999999)).toBe(480); // 400 + 20 %
  });

  it('never exceeds maxMs, jitter included, and never goes negative', () => {
    for (let attempt = 1; attempt < 2000; attempt += 37) {
      for (const r of [0, 0.3, 0.999999]) {
        const d = backoffDelay(attempt, { initialMs: 100, maxMs: 10_000, factor: 2, jitter: 1 }, () => r);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThanOrEqual(10_000);
        expect(Number.isInteger(d)).toBe(true);
      }
    }
  });

  it('treats attempts below 1 as the first retry', () => {
    expect(backoffDelay(0, noJitter)).toBe(100);
    expect(backoffDelay(-3, noJitter)).toBe(100);
  });

  it('follows a custom factor and start', () => {
    const policy = { initialMs: 50, maxMs: 1000, factor: 3, jitter: 0 };
    expect([1, 2, 3, 4, 5].map((a) => backoffDelay(a, policy))).toEqual([50, 150, 450, 1000, 1000]);
  });
});

describe('createSleeper', () => {
  it('wakes every pending sleep at once', async () => {
    const sleeper = createSleeper();
    const started = Date.now();
    const sleeps = Promise.all([sleeper.sleep(60_000), sleeper.sleep(60_000)]);
    sleeper.wakeAll();
    await sleeps;
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
