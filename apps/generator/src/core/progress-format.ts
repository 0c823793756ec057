import { renderBar } from '@login/cli';

/** What the progress display shows, sampled ~4 times a second. */
export interface ProgressState {
  readonly elapsedMs: number;
  readonly produced: number;
  readonly invalid: number;
  readonly failed: number;
  readonly sendErrors: number;
  readonly inFlight: number;
  /** Recent events/s. */
  readonly rate: number;
  readonly targetRate: number;
  /** `count` target, or undefined. */
  readonly count?: number;
  /** `duration` target in ms, or undefined. */
  readonly durationMs?: number;
}

const int = (n: number): string => Math.round(n).toLocaleString('en-US');

function clock(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** Fraction done, 0..1, when the run has an end; undefined when endless. */
export function progressFraction(p: ProgressState): number | undefined {
  if (p.count !== undefined) return Math.min(1, (p.produced + p.failed) / Math.max(1, p.count));
  if (p.durationMs !== undefined) return Math.min(1, p.elapsedMs / Math.max(1, p.durationMs));
  return undefined;
}

function stats(p: ProgressState): string {
  const share = p.produced === 0 ? 0 : p.invalid / p.produced;
  return [
    `${int(p.rate)}/s${p.targetRate > 0 ? ` (target ${int(p.targetRate)})` : ''}`,
    `sent ${int(p.produced)}${p.count !== undefined ? `/${int(p.count)}` : ''}`,
    `invalid ${(share * 100).toFixed(1)}%`,
    `errors ${int(p.sendErrors)}${p.failed > 0 ? ` (${int(p.failed)} lost)` : ''}`,
    `${clock(p.elapsedMs)}`,
  ].join('  ');
}

/** One terminal line: a bar when the run has an end and the terminal is wide enough, then the figures. */
export function renderProgressBar(p: ProgressState, columns: number): string {
  const fraction = progressFraction(p);
  let line = stats(p);
  if (fraction !== undefined) {
    const eta = fraction > 0 && fraction < 1 ? `  eta ${clock((p.elapsedMs / fraction) * (1 - fraction))}` : '';
    const percent = `${String(Math.floor(fraction * 100)).padStart(3)}%`;
    // A bar of constant width (so it does not jump as the figures grow), dropped on narrow terminals.
    const barWidth = Math.min(30, columns - 100);
    const bar = barWidth >= 10 ? `${renderBar(fraction, barWidth)} ` : '';
    line = `${bar}${percent}  ${line}${eta}`;
  }
  return line.length > columns ? line.slice(0, Math.max(0, columns - 1)) : line;
}

/** A plain progress line for logs (not a terminal). */
export function renderProgressLine(p: ProgressState): string {
  const fraction = progressFraction(p);
  return `progress${fraction === undefined ? '' : ` ${(fraction * 100).toFixed(0)}%`}: ${stats(p)}`;
}
