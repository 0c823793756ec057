import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { reportFaultRun } from './fault-report';

describe('reportFaultRun', () => {
  const saved = process.env['FAULT_REPORT_FILE'];
  // Kept off the test log: a made-up "lost 1" line there reads like a real fault test's result.
  let printed: jest.SpyInstance;
  beforeEach(() => {
    printed = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterEach(() => {
    printed.mockRestore();
    if (saved === undefined) delete process.env['FAULT_REPORT_FILE'];
    else process.env['FAULT_REPORT_FILE'] = saved;
  });

  it('appends one JSON line per run to FAULT_REPORT_FILE (the soak reads them)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fault-report-'));
    const file = path.join(dir, 'report.jsonl');
    process.env['FAULT_REPORT_FILE'] = file;
    reportFaultRun({ test: 'leader-kill', inputs: 10, lost: 0, duplicates: 1, recoveryMs: 900, leader: 2 });
    reportFaultRun({ test: 'leader-kill', inputs: 10, lost: 1, duplicates: 0 });
    const lines = fs
      .readFileSync(file, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown);
    expect(lines).toEqual([
      { test: 'leader-kill', inputs: 10, lost: 0, duplicates: 1, recoveryMs: 900, leader: 2 },
      { test: 'leader-kill', inputs: 10, lost: 1, duplicates: 0 },
    ]);
    expect(printed.mock.calls.map(([text]) => text)).toEqual([
      '[fault] {"test":"leader-kill","inputs":10,"lost":0,"duplicates":1,"recoveryMs":900,"leader":2}\n',
      '[fault] {"test":"leader-kill","inputs":10,"lost":1,"duplicates":0}\n',
    ]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('writes nothing when FAULT_REPORT_FILE is not set (a fault test run by npm test)', () => {
    delete process.env['FAULT_REPORT_FILE'];
    const before = fs.readdirSync(process.cwd());
    reportFaultRun({ test: 'leader-kill', inputs: 10, lost: 0, duplicates: 0 });
    expect(fs.readdirSync(process.cwd())).toEqual(before);
  });
});
