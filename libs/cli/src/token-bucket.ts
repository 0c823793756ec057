/** Milliseconds since some origin; injected so tests drive time. */
export interface Clock {
  now(): number;
}

export interface TokenBucketOptions {
  /** Tokens added per second. */
  readonly ratePerSecond: number;
  /** The most tokens the bucket holds: how large a burst after idling may be. */
  readonly capacity: number;
  readonly clock: Clock;
  /** Tokens at start (default 0: the first send waits for its tokens, so short runs keep the rate too). */
  readonly initial?: number;
}

export interface TokenBucket {
  /** Takes up to `max` whole tokens, as many as are available; returns how many it took. */
  take(max: number): number;
  /** How long until `n` tokens are available (0 when they are). `n` above the capacity is treated as the capacity. */
  msUntil(n: number): number;
  /** Tokens now available (fractional). */
  available(): number;
}

/** A token bucket over an injected clock: refills continuously at `ratePerSecond`, holds at most `capacity`. */
export function createTokenBucket(options: TokenBucketOptions): TokenBucket {
  const { ratePerSecond, clock } = options;
  if (!(ratePerSecond > 0)) throw new RangeError(`ratePerSecond must be > 0, got ${ratePerSecond}`);
  const capacity = Math.max(1, options.capacity);
  let tokens = Math.min(capacity, options.initial ?? 0);
  let last = clock.now();

  function refill(): void {
    const now = clock.now();
    if (now > last) {
      tokens = Math.min(capacity, tokens + ((now - last) * ratePerSecond) / 1000);
      last = now;
    }
  }

  return {
    take(max) {
      refill();
      const n = Math.max(0, Math.min(Math.floor(max), Math.floor(tokens)));
      tokens -= n;
      return n;
    },
    msUntil(n) {
      refill();
      const missing = Math.min(n, capacity) - tokens;
      return missing <= 0 ? 0 : Math.ceil((missing * 1000) / ratePerSecond);
    },
    available() {
      refill();
      return tokens;
    },
  };
}
