/** The part of a terminal stream a progress line needs (a `NodeJS.WriteStream`, or a fake in tests). */
export interface ProgressStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
}

/** One line of progress on a terminal, redrawn in place; what it says is up to the caller. */
export interface ProgressLine {
  /** Draws `line` over the previous one; skipped when the last draw is under the interval old, unless `force`. */
  draw(line: string, force?: boolean): void;
  /** Ends the line (a newline after the last draw, if any), so what follows starts on a clean line. */
  finish(): void;
  /** The terminal's width (100 when unknown or narrower than 20). */
  columns(): number;
}

export interface ProgressLineOptions {
  /** The shortest time between two draws (default 0: every draw is shown). */
  readonly minIntervalMs?: number;
  readonly now?: () => number;
}

/** A progress line on `stream`. Callers decide whether to draw at all: a Job's log must not fill with bars. */
export function createProgressLine(stream: ProgressStream, options: ProgressLineOptions = {}): ProgressLine {
  const minIntervalMs = options.minIntervalMs ?? 0;
  const now = options.now ?? Date.now;
  let lastDrawAt = Number.NEGATIVE_INFINITY;
  let drawn = false;
  return {
    draw(line, force = false) {
      const t = now();
      if (!force && t - lastDrawAt < minIntervalMs) return;
      lastDrawAt = t;
      // Carriage return and erase the line: the new text may be shorter than the old.
      stream.write(`\r\x1b[2K${line}`);
      drawn = true;
    },
    finish() {
      if (drawn) stream.write('\n');
      drawn = false;
    },
    columns() {
      return stream.columns && stream.columns > 20 ? stream.columns : 100;
    },
  };
}

/** `[████░░░░]`: `fraction` (0..1) of `width` cells filled. */
export function renderBar(fraction: number, width: number): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `[${'█'.repeat(filled).padEnd(width, '░')}]`;
}
