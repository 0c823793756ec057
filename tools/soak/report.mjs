// The soak's tables: pure functions from the fault tests' JSON lines (reportFaultRun in @login/kafka/testing) and
// Jest's exit codes to text. No I/O here; soak.mjs runs the tests.

const CORE_FIELDS = new Set(['test', 'inputs', 'lost', 'duplicates', 'recoveryMs', 'processorExits']);

/**
 * The results in a FAULT_REPORT_FILE: one JSON object per line. A line that is not a result (a crash mid-write)
 * becomes an error the table shows, never a silent gap.
 */
export function parseReportLines(text) {
  const results = [];
  const errors = [];
  for (const [i, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    try {
      const r = JSON.parse(line);
      if (
        typeof r?.test !== 'string' ||
        !Number.isFinite(r.lost) ||
        !Number.isFinite(r.duplicates) ||
        !Number.isFinite(r.inputs)
      ) {
        throw new Error('needs test, inputs, lost and duplicates');
      }
      results.push(r);
    } catch (err) {
      errors.push(`line ${i + 1}: ${err.message}`);
    }
  }
  return { results, errors };
}

/**
 * The rows of one run: a row per reported result; a file whose Jest run failed marks its rows failed, and a file
 * that reported nothing gets one row naming it (it cannot be judged, so it fails).
 */
export function runRows(files) {
  const rows = [];
  for (const f of files) {
    const failed = f.exitCode !== 0;
    const problems = [...(f.errors ?? [])];
    if (failed) problems.push(f.signal ? `jest killed by ${f.signal}` : `jest exit ${f.exitCode}`);
    if (f.results.length === 0) {
      rows.push({ test: f.name, ok: false, note: [...problems, 'no result reported'].join('; ') });
      continue;
    }
    for (const r of f.results) {
      const extra = Object.entries(r)
        .filter(([k]) => !CORE_FIELDS.has(k))
        .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : v}`);
      rows.push({
        test: r.test,
        ok: !failed && problems.length === 0 && r.lost === 0,
        inputs: r.inputs,
        lost: r.lost,
        duplicates: r.duplicates,
        recoveryMs: r.recoveryMs,
        processorExits: r.processorExits,
        note: [...problems, ...extra].join('; '),
      });
    }
  }
  return rows;
}

export function formatMs(ms) {
  if (ms === undefined || ms === null) return '-';
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

const show = (v) => (v === undefined || v === null ? '-' : String(v));

function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** One run's table: test, verdict, inputs, lost, duplicates, recovery time, processor exits, notes. */
export function formatRun(run, runs, rows) {
  const body = rows.map((r) => [
    r.test,
    r.ok ? 'ok' : 'FAILED',
    show(r.inputs),
    show(r.lost),
    show(r.duplicates),
    formatMs(r.recoveryMs),
    show(r.processorExits),
    r.note ?? '',
  ]);
  return `run ${run}/${runs}\n${table(['test', 'result', 'inputs', 'lost', 'duplicates', 'recovery', 'exits', 'notes'], body)}`;
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return undefined;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Per test over all runs: runs, failures, records lost, duplicates (median/max), recovery (median/max), exits. */
export function summarize(allRuns) {
  const byTest = new Map();
  for (const rows of allRuns) {
    for (const r of rows) {
      const s = byTest.get(r.test) ?? {
        test: r.test,
        runs: 0,
        failed: 0,
        lost: 0,
        duplicates: [],
        recoveryMs: [],
        processorExits: 0,
      };
      s.runs += 1;
      if (!r.ok) s.failed += 1;
      s.lost += r.lost ?? 0;
      if (r.duplicates !== undefined) s.duplicates.push(r.duplicates);
      if (r.recoveryMs !== undefined && r.recoveryMs !== null) s.recoveryMs.push(r.recoveryMs);
      s.processorExits += r.processorExits ?? 0;
      byTest.set(r.test, s);
    }
  }
  const tests = [...byTest.values()];
  return { tests, failed: tests.reduce((n, t) => n + t.failed, 0), lost: tests.reduce((n, t) => n + t.lost, 0) };
}

export function formatSummary(summary, runs) {
  const body = summary.tests.map((t) => [
    t.test,
    `${t.runs - t.failed}/${t.runs}`,
    String(t.lost),
    t.duplicates.length ? `${median(t.duplicates)} / ${Math.max(...t.duplicates)}` : '-',
    t.recoveryMs.length ? `${formatMs(median(t.recoveryMs))} / ${formatMs(Math.max(...t.recoveryMs))}` : '-',
    String(t.processorExits),
  ]);
  const verdict =
    summary.failed === 0
      ? `soak passed: ${runs} run${runs === 1 ? '' : 's'}, no record lost`
      : `soak FAILED: ${summary.failed} failed test run${summary.failed === 1 ? '' : 's'}, ${summary.lost} record${summary.lost === 1 ? '' : 's'} lost`;
  return `summary over ${runs} run${runs === 1 ? '' : 's'}\n${table(['test', 'passed', 'lost', 'duplicates (median / max)', 'recovery (median / max)', 'exits'], body)}\n${verdict}`;
}
