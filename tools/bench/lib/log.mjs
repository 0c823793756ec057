// What every phase of the benchmark prints: progress lines on stderr (stdout carries only the results).

export const log = (message) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

export const fmtS = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** The lines of a failure that say what happened (the app's error log lines), not its whole log tail. */
export function errorSummary(text) {
  const lines = String(text).split('\n');
  const telling = lines.filter((l) => /"level":"error"|^\[error\]|FAILED|failed|error/i.test(l)).slice(0, 3);
  return [lines[0], ...telling].join('\n').slice(0, 1500);
}
