import { createTokenBucket } from './token-bucket';

/** Spaces out records to at most `perSecond` (a token bucket holding one second of burst at most). */
export interface RateLimiter {
  /** Resolves when the next record may go, or as soon as `signal` aborts (the caller checks it). */
  take(signal?: AbortSignal): Promise<void>;
}

export interface SleepingClock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

const realClock: SleepingClock = {
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

/** One record at a time, waiting on `clock.sleep` for its token; no rate (`undefined`) means no wait. */
export function createRateLimiter(perSecond: number | undefined, clock: SleepingClock = realClock): RateLimiter {
  if (perSecond === undefined) return { take: async () => undefined };
  // One token at start: the first record goes at once, as a paced run's first send always did.
  const bucket = createTokenBucket({ ratePerSecond: perSecond, capacity: Math.max(1, perSecond), clock, initial: 1 });
  return {
    async take(signal) {
      while (!signal?.aborted) {
        if (bucket.take(1) === 1) return;
        await clock.sleep(bucket.msUntil(1), signal);
      }
    },
  };
}
