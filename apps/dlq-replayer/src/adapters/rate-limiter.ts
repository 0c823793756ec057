/** Spaces out records to at most `perSecond` (a token bucket holding one second of burst at most). */
export interface RateLimiter {
  take(): Promise<void>;
}

export function createRateLimiter(
  perSecond: number | undefined,
  clock: { now(): number; sleep(ms: number): Promise<void> } = {
    now: Date.now,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  },
): RateLimiter {
  if (perSecond === undefined) return { take: async () => undefined };
  const capacity = Math.max(1, perSecond);
  let tokens = 1;
  let last = clock.now();
  return {
    async take() {
      for (;;) {
        const t = clock.now();
        tokens = Math.min(capacity, tokens + ((t - last) * perSecond) / 1000);
        last = t;
        if (tokens >= 1) {
          tokens -= 1;
          return;
        }
        await clock.sleep(Math.ceil(((1 - tokens) * 1000) / perSecond));
      }
    },
  };
}
