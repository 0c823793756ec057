// Capped exponential backoff with jitter, as a pure function so the schedule is testable without timers.

export interface RetryPolicy {
  /** Delay before the first retry, in ms. */
  readonly initialMs: number;
  /** Upper bound of any delay, jitter included, in ms. */
  readonly maxMs: number;
  /** Growth per attempt (≥ 1). */
  readonly factor: number;
  /** Relative spread, 0..1: 0.2 means ±20 %, so replicas that failed together do not retry together. */
  readonly jitter: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { initialMs: 100, maxMs: 10_000, factor: 2, jitter: 0.2 };

/**
 * Delay before retry number `attempt` (1 = first retry). `random` returns a number in [0, 1), injectable for tests.
 * The result is an integer in [0, maxMs].
 */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const n = Math.max(1, Math.floor(attempt));
  // Cap before multiplying further so large attempts never overflow to Infinity/NaN.
  const exponent = Math.min(n - 1, 1024);
  const base = Math.min(policy.maxMs, policy.initialMs * Math.pow(policy.factor, exponent));
  const spread = base * policy.jitter * (2 * random() - 1);
  const delay = Math.round(base + spread);
  return Math.min(policy.maxMs, Math.max(0, delay));
}

/** Timers that can all be cut short at once (on stop), so a retry loop never delays shutdown. */
export interface Sleeper {
  sleep(ms: number): Promise<void>;
  wakeAll(): void;
}

export function createSleeper(): Sleeper {
  const pending = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  return {
    sleep(ms: number): Promise<void> {
      return new Promise<void>((resolve) => {
        const entry = {
          timer: setTimeout(() => {
            pending.delete(entry);
            resolve();
          }, ms),
          resolve,
        };
        pending.add(entry);
      });
    },
    wakeAll(): void {
      for (const entry of pending) {
        clearTimeout(entry.timer);
        entry.resolve();
      }
      pending.clear();
    },
  };
}
