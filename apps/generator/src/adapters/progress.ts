import { createProgressLine } from '@login/cli';
import type { ProgressState } from '../core/progress-format';
import { renderProgressBar, renderProgressLine } from '../core/progress-format';

export interface ProgressReporter {
  start(): void;
  /** Stops redrawing and clears the bar, so the summary starts on a clean line. */
  stop(): void;
}

export interface ProgressOptions {
  readonly mode: 'bar' | 'log' | 'off';
  readonly stream: NodeJS.WriteStream;
  readonly snapshot: () => ProgressState;
  /** For log mode. */
  readonly log: (line: string, state: ProgressState) => void;
  readonly barIntervalMs?: number;
  readonly logIntervalMs?: number;
}

/** A progress bar redrawn ~4×/s on a terminal, or a progress log line every 10 s when not on one. */
export function createProgressReporter(options: ProgressOptions): ProgressReporter {
  const { mode, snapshot } = options;
  const line = createProgressLine(options.stream);
  let timer: NodeJS.Timeout | undefined;
  let drawn = false;
  const draw = () => {
    line.draw(renderProgressBar(snapshot(), line.columns()));
    drawn = true;
  };
  return {
    start() {
      if (mode === 'off' || timer) return;
      if (mode === 'bar') {
        draw();
        timer = setInterval(draw, options.barIntervalMs ?? 250);
      } else {
        timer = setInterval(() => {
          const state = snapshot();
          options.log(renderProgressLine(state), state);
        }, options.logIntervalMs ?? 10_000);
      }
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      if (mode === 'bar' && drawn) {
        draw(); // the final figures stay on screen
        line.finish();
      }
    },
  };
}
