/** A one-line progress bar, redrawn in place; only on a terminal (a Job's log must not fill with bars). */
export interface Progress {
  /** `done` of the total; `detail` is appended (e.g. "replayed 5  parked 0  skipped 2"). */
  update(done: number, detail?: string): void;
  finish(): void;
}

const NOOP: Progress = { update: () => undefined, finish: () => undefined };

export function createProgress(
  stream: { isTTY?: boolean; write(text: string): unknown; columns?: number },
  total: number,
  enabled: boolean,
  now: () => number = Date.now,
): Progress {
  if (!enabled || !stream.isTTY || total <= 0) return NOOP;
  const started = now();
  let last = 0;
  let drawn = false;
  return {
    update(done, detail = '') {
      const t = now();
      if (t - last < 100 && done < total) return;
      last = t;
      const ratio = Math.min(1, done / total);
      const width = 24;
      const filled = Math.round(ratio * width);
      const rate = done / Math.max(0.001, (t - started) / 1000);
      stream.write(
        `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(ratio * 100).toFixed(0).padStart(3)}% ` +
          `${done}/${total}${detail ? `  ${detail}` : ''}  ${rate.toFixed(0)} rec/s\x1b[K`,
      );
      drawn = true;
    },
    finish() {
      if (drawn) stream.write('\n');
    },
  };
}
