/** Epoch milliseconds. Injected so the pure core never reads the time itself and tests can fix it. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = Object.freeze({ now: (): number => Date.now() });
