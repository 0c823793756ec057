import { commitGaps, type CommitSample } from './commit-timeline';

const sample = (at: number, ...offsets: number[]): CommitSample => ({
  at,
  offsets: new Map(offsets.map((o, p) => [p, BigInt(o)])),
});

describe('commitGaps', () => {
  it('measures the longest time nothing moved after the fault, and when each partition first moved again', () => {
    const samples = [
      sample(0, 10, 10),
      sample(1000, 20, 10), // fault at 1000: partition 1 stands still
      sample(2000, 30, 10),
      sample(3000, 30, 10),
      sample(4000, 30, 10),
      sample(9000, 30, 25), // 7 s after the last move at 2000
      sample(9500, 40, 30),
    ];
    const gaps = commitGaps(samples, 1000);
    expect(gaps.longestGroupStallMs).toBe(7000);
    expect([...gaps.resumedAfterMs]).toEqual([
      [0, 1000],
      [1, 8000],
    ]);
  });

  it('leaves out partitions that never moved, and says 0 with no samples', () => {
    expect([...commitGaps([sample(0, 5, 5), sample(500, 6, 5)], 0).resumedAfterMs]).toEqual([[0, 500]]);
    expect(commitGaps([], 0)).toEqual({ longestGroupStallMs: 0, resumedAfterMs: new Map() });
  });
});
