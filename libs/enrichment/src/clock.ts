/** Epoch milliseconds. Injected so the pure core never reads the time itself and tests can fix it. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = Object.freeze({ now: (): number => Date.now() });

/** A clock that always says `nowMs` (tests, replays of a known moment). */
export function fixedClock(nowMs: number): Clock {
  return Object.freeze({ now: (): number => nowMs });
}
