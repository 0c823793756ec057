import { createTokenBucket } from './token-bucket';

function fakeClock(start = 1_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('token bucket', () => {
  it('starts empty and refills at the rate', () => {
    const clock = fakeClock();
    const bucket = createTokenBucket({ ratePerSecond: 1000, capacity: 1000, clock });
    expect(bucket.take(10)).toBe(0);
    clock.advance(5);
    expect(bucket.take(10)).toBe(5);
    clock.advance(20);
    expect(bucket.take(10)).toBe(10);
    expect(bucket.take(10)).toBe(10);
    expect(bucket.take(10)).toBe(0);
  });

  it('never holds more than its capacity', () => {
    const clock = fakeClock();
    const bucket = createTokenBucket({ ratePerSecond: 100, capacity: 50, clock });
    clock.advance(60_000);
    expect(bucket.take(1_000)).toBe(50);
  });

  it('says how long until n tokens are there', () => {
    const clock = fakeClock();
    const bucket = createTokenBucket({ ratePerSecond: 200, capacity: 100, clock });
    expect(bucket.msUntil(10)).toBe(50);
    clock.advance(25);
    expect(bucket.msUntil(10)).toBe(25);
    clock.advance(25);
    expect(bucket.msUntil(10)).toBe(0);
    expect(bucket.msUntil(1_000)).toBe(450); // capped at the capacity: 100 tokens, 10 there
  });

  it('keeps fractional tokens, so slow rates stay exact', () => {
    const clock = fakeClock();
    const bucket = createTokenBucket({ ratePerSecond: 3, capacity: 10, clock });
    let taken = 0;
    for (let i = 0; i < 1000; i++) {
      clock.advance(10); // 10 s in 10 ms steps: each step adds 0.03 tokens
      taken += bucket.take(1);
    }
    expect(taken).toBe(30);
  });

  it.each([1, 1000, 20_000, 250_000])('delivers %p tokens/s within 0.1%% over a minute of jittery polling', (rate) => {
    const clock = fakeClock();
    const bucket = createTokenBucket({ ratePerSecond: rate, capacity: Math.max(1, rate), clock });
    let taken = 0;
    let step = 0;
    while (clock.now() < 1_000 + 60_000) {
      clock.advance(1 + (step++ % 7) * 3); // irregular wake-ups, like timers on a busy machine
      taken += bucket.take(Number.MAX_SAFE_INTEGER);
    }
    expect(Math.abs(taken - rate * 60) / (rate * 60)).toBeLessThanOrEqual(0.001 + 1 / (rate * 60));
  });

  it('rejects a rate that is not positive', () => {
    expect(() => createTokenBucket({ ratePerSecond: 0, capacity: 1, clock: fakeClock() })).toThrow(/ratePerSecond/);
  });
});
