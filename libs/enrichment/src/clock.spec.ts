import { fixedClock, systemClock } from './clock';

describe('clocks', () => {
  it('systemClock reads Date.now', () => {
    const before = Date.now();
    const now = systemClock.now();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });

  it('fixedClock always gives its time', () => {
    const clock = fixedClock(1_694_479_551_000);
    expect(clock.now()).toBe(1_694_479_551_000);
    expect(clock.now()).toBe(1_694_479_551_000);
  });
});
