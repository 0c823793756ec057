import { createProgressLine, renderBar } from '@login/cli';
import type { ProgressStream } from '@login/cli';

/** A one-line progress bar, redrawn in place; only on a terminal (a Job's log must not fill with bars). */
export interface Progress {
  /** `done` of the total; `detail` is appended (e.g. "replayed 5  parked 0  skipped 2"). */
  update(done: number, detail?: string): void;
  finish(): void;
}

const NOOP: Progress = { update: () => undefined, finish: () => undefined };

export function createProgress(
  stream: ProgressStream,
  total: number,
  enabled: boolean,
  now: () => number = Date.now,
): Progress {
  if (!enabled || !stream.isTTY || total <= 0) return NOOP;
  const started = now();
  const line = createProgressLine(stream, { minIntervalMs: 100, now });
  return {
    update(done, detail = '') {
      const ratio = Math.min(1, done / total);
      const rate = done / Math.max(0.001, (now() - started) / 1000);
      line.draw(
        `${renderBar(ratio, 24)} ${(ratio * 100).toFixed(0).padStart(3)}% ${done}/${total}${detail ? `  ${detail}` : ''}  ${rate.toFixed(0)} rec/s`,
        done >= total,
      );
    },
    finish() {
      line.finish();
    },
  };
}
