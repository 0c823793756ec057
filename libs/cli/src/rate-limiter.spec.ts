import { createRateLimiter } from './rate-limiter';

describe('createRateLimiter', () => {
  it('spaces records to the rate on an injected clock', async () => {
    let now = 0;
    const clock = { now: () => now, sleep: async (ms: number) => void (now += ms) };
    const limiter = createRateLimiter(10, clock);
    for (let i = 0; i < 21; i++) await limiter.take();
    expect(now).toBeGreaterThanOrEqual(2000);
    expect(now).toBeLessThan(2200);
  });

  it('does not wait without a rate', async () => {
    const limiter = createRateLimiter(undefined);
    await expect(limiter.take()).resolves.toBeUndefined();
  });
});

describe('createRateLimiter and a stop', () => {
  it('returns at once when the signal aborts during a wait (a slow --rate never delays a stop)', async () => {
    const limiter = createRateLimiter(0.01);
    await limiter.take();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    await limiter.take(controller.signal);
    // Liveness bound with a wide margin: the next token is 100 s away.
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
