const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `check` every 100 ms until it holds; after `timeoutMs` throws naming `what` (a function is asked only then,
 * so it can describe the state at the timeout, e.g. the last log lines).
 */
export async function waitFor(
  what: string | (() => string),
  check: () => Promise<boolean> | boolean,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(typeof what === 'string' ? `timed out waiting for ${what}` : what());
    await sleep(100);
  }
}

/** The records below a set of committed offsets (a missing commit, -1, counts as 0). */
export function sumOffsets(values: Iterable<bigint>): number {
  let total = 0n;
  for (const v of values) total += v < 0n ? 0n : v;
  return Number(total);
}
