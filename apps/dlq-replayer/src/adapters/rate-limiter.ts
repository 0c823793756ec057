/** Spaces out records to at most `perSecond` (a token bucket holding one second of burst at most). */
export interface RateLimiter {
  /** Resolves when the next record may go, or as soon as `signal` aborts (the caller checks it). */
  take(signal?: AbortSignal): Promise<void>;
}

export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

const realClock: Clock = {
  now: Date.now,
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
    }),
};

export function createRateLimiter(perSecond: number | undefined, clock: Clock = realClock): RateLimiter {
  if (perSecond === undefined) return { take: async () => undefined };
  const capacity = Math.max(1, perSecond);
  let tokens = 1;
  let last = clock.now();
  return {
    async take(signal) {
      while (!signal?.aborted) {
        const t = clock.now();
        tokens = Math.min(capacity, tokens + ((t - last) * perSecond) / 1000);
        last = t;
        if (tokens >= 1) {
          tokens -= 1;
          return;
        }
        await clock.sleep(Math.ceil(((1 - tokens) * 1000) / perSecond), signal);
      }
    },
  };
}
