// The soak's tables from fault-test results (pure: no Jest, no broker).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatMs, formatRun, formatSummary, parseReportLines, runRows, summarize } from './report.mjs';

const line = (r) => JSON.stringify(r);

test('parseReportLines keeps results and names the lines that are not results', () => {
  const text = [
    line({ test: 'leader-kill', inputs: 100, lost: 0, duplicates: 2, recoveryMs: 4200 }),
    '',
    '{"test":"half',
    line({ test: 'x', lost: 0 }),
  ].join('\n');
  const { results, errors } = parseReportLines(text);
  assert.deepEqual(results, [{ test: 'leader-kill', inputs: 100, lost: 0, duplicates: 2, recoveryMs: 4200 }]);
  assert.equal(errors.length, 2);
  assert.match(errors[0], /^line 3: /);
  assert.match(errors[1], /^line 4: needs test, inputs, lost and duplicates/);
});

test('runRows: a loss, a failed Jest run, a silent file and a bad line each fail their row', () => {
  const rows = runRows([
    {
      name: 'a',
      exitCode: 0,
      results: [{ test: 'a-ok', inputs: 10, lost: 0, duplicates: 1, recoveryMs: 900, processorExits: 1, leader: 2 }],
    },
    { name: 'b', exitCode: 0, results: [{ test: 'b-lost', inputs: 10, lost: 3, duplicates: 0 }] },
    { name: 'c', exitCode: 1, results: [{ test: 'c-jest', inputs: 10, lost: 0, duplicates: 0 }] },
    { name: 'd', exitCode: 0, results: [] },
    {
      name: 'e',
      exitCode: 0,
      results: [{ test: 'e-bad-line', inputs: 1, lost: 0, duplicates: 0 }],
      errors: ['line 2: bad'],
    },
  ]);
  assert.deepEqual(
    rows.map((r) => [r.test, r.ok, r.note]),
    [
      ['a-ok', true, 'leader=2'],
      ['b-lost', false, ''],
      ['c-jest', false, 'jest exit 1'],
      ['d', false, 'no result reported'],
      ['e-bad-line', false, 'line 2: bad'],
    ],
  );
});

test('formatRun prints one aligned row per result, "-" where a field was not reported', () => {
  const rows = runRows([
    {
      name: 'a',
      exitCode: 0,
      results: [{ test: 'leader-kill', inputs: 20000, lost: 0, duplicates: 12, recoveryMs: 4210, processorExits: 1 }],
    },
    { name: 'b', exitCode: 0, results: [{ test: 'coordinator-stop', inputs: 500, lost: 2, duplicates: 0 }] },
  ]);
  assert.equal(
    formatRun(2, 3, rows),
    [
      'run 2/3',
      'test              result  inputs  lost  duplicates  recovery  exits  notes',
      'leader-kill       ok      20000   0     12          4.2 s     1',
      'coordinator-stop  FAILED  500     2     0           -         -',
    ].join('\n'),
  );
});

test('summarize and formatSummary: per test over the runs, and the verdict', () => {
  const run = (dups, recovery, lost) =>
    runRows([
      {
        name: 'a',
        exitCode: 0,
        results: [{ test: 'leader-kill', inputs: 10, lost, duplicates: dups, recoveryMs: recovery, processorExits: 1 }],
      },
    ]);
  const passing = summarize([run(1, 1000, 0), run(5, 3000, 0), run(3, 2000, 0)]);
  assert.deepEqual({ failed: passing.failed, lost: passing.lost }, { failed: 0, lost: 0 });
  assert.equal(
    formatSummary(passing, 3),
    [
      'summary over 3 runs',
      'test         passed  lost  duplicates (median / max)  recovery (median / max)  exits',
      'leader-kill  3/3     0     3 / 5                      2.0 s / 3.0 s            3',
      'soak passed: 3 runs, no record lost',
    ].join('\n'),
  );
  const failing = summarize([run(0, 1000, 0), run(0, 1000, 4)]);
  assert.deepEqual({ failed: failing.failed, lost: failing.lost }, { failed: 1, lost: 4 });
  assert.match(formatSummary(failing, 2), /\nsoak FAILED: 1 failed test run, 4 records lost$/);
});

test('formatMs: tenths below 10 s, whole seconds above, "-" when absent', () => {
  assert.deepEqual([formatMs(4210), formatMs(12_600), formatMs(undefined)], ['4.2 s', '13 s', '-']);
});
