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
