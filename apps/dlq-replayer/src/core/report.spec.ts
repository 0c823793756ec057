import { dlqRecord } from '../testing/dlq-fixtures';
import { DLQ_HEADERS as H, decodeDeadLetter } from '@login/event-schema';
import { advancePartition, countDecision, formatReport, newReport } from './report';

const base = {
  runId: 'run-1',
  dlqTopic: 'user-login-dlq',
  targetTopic: 'user-login',
  parkedTopic: 'user-login-dlq-parked',
  group: 'login-dlq-replayer',
  startedAt: '2026-01-01T00:00:00.000Z',
  partitions: [],
};

describe('the replay report', () => {
  it('counts replayed, parked and skipped by DLQ reason, and skipped by why; the totals add up to what was read', () => {
    const report = newReport({ ...base, dryRun: false });
    const view = (o: Record<string, string | undefined>) => decodeDeadLetter(dlqRecord(o));
    countDecision(report, view({}), { action: 'replay', reason: 'SELECTED', target: 'user-login' });
    countDecision(report, view({}), { action: 'park', reason: 'MAX_REPLAYS_REACHED' });
    countDecision(report, view({ [H.reason]: 'INVALID_JSON' }), { action: 'skip', reason: 'NON_RETRYABLE' });
    countDecision(report, view({ [H.reason]: undefined }), { action: 'skip', reason: 'MALFORMED_HEADERS' });

    expect(report.read).toBe(4);
    expect(report.replayed).toEqual({ total: 1, byReason: { TIMESTAMP_OUT_OF_RANGE: 1 } });
    expect(report.parked).toEqual({
      total: 1,
      byReason: { TIMESTAMP_OUT_OF_RANGE: 1 },
      byDecision: { MAX_REPLAYS_REACHED: 1 },
    });
    expect(report.skipped).toEqual({
      total: 2,
      byReason: { INVALID_JSON: 1, UNKNOWN: 1 },
      byDecision: { MALFORMED_HEADERS: 1, NON_RETRYABLE: 1 },
    });
    const text = formatReport(report);
    expect(text).toContain('replayed: 1  (TIMESTAMP_OUT_OF_RANGE=1)');
    expect(text).toContain('skipped because: MALFORMED_HEADERS=1, NON_RETRYABLE=1');
    expect(text).toContain('parked because: MAX_REPLAYS_REACHED=1');
    expect(text).toContain('needs a new --group');
  });

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])(
    'counts a reason named %s like any other',
    (name) => {
      const report = newReport({ ...base, dryRun: false });
      const skip = { action: 'skip', reason: 'NON_RETRYABLE' } as const;
      countDecision(report, decodeDeadLetter(dlqRecord({ [H.reason]: name })), skip);
      countDecision(report, decodeDeadLetter(dlqRecord({ [H.reason]: name })), skip);
      expect(Object.entries(report.skipped.byReason)).toEqual([[name, 2]]);
      expect(JSON.parse(JSON.stringify(report.skipped.byReason))).toEqual(JSON.parse(`{${JSON.stringify(name)}:2}`));
      expect(formatReport(report)).toContain(`skipped: 2  (${name}=2)`);
    },
  );

  it('says what a dry run would do', () => {
    const report = newReport({ ...base, dryRun: true });
    countDecision(report, decodeDeadLetter(dlqRecord()), {
      action: 'replay',
      reason: 'SELECTED',
      target: 'user-login',
    });
    const text = formatReport(report);
    expect(text).toMatch(/^DRY RUN \(nothing written, nothing committed\)/);
    expect(text).toContain('would be replayed: 1');
    expect(text).not.toContain('needs a new --group');
  });
});

describe('the replay report of a run that did not complete', () => {
  it('says it was interrupted, and where each partition stands against its captured end', () => {
    const report = newReport({
      ...base,
      dryRun: false,
      partitions: [
        { partition: 0, start: '10', end: '50' },
        { partition: 1, start: '0', end: '0' },
      ],
    });
    countDecision(report, decodeDeadLetter(dlqRecord()), {
      action: 'replay',
      reason: 'SELECTED',
      target: 'user-login',
    });
    advancePartition(report, 0, 25n);
    advancePartition(report, 0, 20n);
    report.outcome = 'interrupted';
    const text = formatReport(report);
    expect(text).toContain(': INTERRUPTED by a signal');
    expect(text).toContain('partitions (start → committed / captured end): 0: 10 → 25 / 50, 1: 0 → 0 / 0');
    expect(report.partitions[0]).toEqual({ partition: 0, start: '10', end: '50', next: '25' });
  });

  it('names a fenced run', () => {
    const report = newReport({ ...base, dryRun: false });
    report.outcome = 'fenced';
    expect(formatReport(report)).toContain('FENCED: another replay on the same group took over');
  });

  it('never prints a reason header raw', () => {
    const report = newReport({ ...base, dryRun: false });
    countDecision(report, decodeDeadLetter(dlqRecord({ [H.reason]: 'X\u001b[2J\nforged' })), {
      action: 'skip',
      reason: 'NON_RETRYABLE',
    });
    expect(formatReport(report)).toContain('X\\x1b[2J\\nforged=1');
    expect(formatReport(report)).not.toContain('\u001b');
  });
});
