/**
 * How a consumer group's commits moved through a fault: sampled committed offsets, and what the samples say about
 * stalls. Fault tests bound recovery with these (a stall of the whole group, a partition waiting for a dead member).
 */
export interface CommitSample {
  readonly at: number;
  readonly offsets: ReadonlyMap<number, bigint>;
}

export interface CommitGaps {
  /** The longest time after `from` in which no partition's commit moved, before the last commit seen. */
  readonly longestGroupStallMs: number;
  /** Per partition that moved after `from`: how long after `from` its commit first moved. */
  readonly resumedAfterMs: ReadonlyMap<number, number>;
}

const total = (offsets: ReadonlyMap<number, bigint>) => [...offsets.values()].reduce((a, b) => a + b, 0n);

/** Gaps in `samples` (in time order) from the moment `from` on. Pure: the sampling is the caller's. */
export function commitGaps(samples: readonly CommitSample[], from: number): CommitGaps {
  const after = samples.filter((s) => s.at >= from);
  const base = [...samples].reverse().find((s) => s.at <= from) ?? after[0];
  if (!base) return { longestGroupStallMs: 0, resumedAfterMs: new Map() };
  let lastMove = from;
  let longest = 0;
  let previous = total(base.offsets);
  const resumed = new Map<number, number>();
  for (const s of after) {
    const now = total(s.offsets);
    if (now > previous) {
      longest = Math.max(longest, s.at - lastMove);
      lastMove = s.at;
      previous = now;
    }
    for (const [partition, offset] of s.offsets) {
      if (!resumed.has(partition) && offset > (base.offsets.get(partition) ?? -1n)) resumed.set(partition, s.at - from);
    }
  }
  return { longestGroupStallMs: longest, resumedAfterMs: resumed };
}

/** Samples `read()` every `everyMs` until stop(); returns the samples in time order. */
export function sampleCommits(
  read: () => Promise<Map<number, bigint>>,
  everyMs = 250,
): { stop(): Promise<CommitSample[]> } {
  const samples: CommitSample[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const at = Date.now();
      samples.push({ at, offsets: await read() });
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return samples;
    },
  };
}
