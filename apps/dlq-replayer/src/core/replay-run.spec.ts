import { DEFAULT_PLAN_OPTIONS, dlqRecord, testReport } from '../testing/dlq-fixtures';
import { planRecord } from './replay-plan';
import {
  chunkSize,
  committedPositions,
  foldChunk,
  progressDetail,
  replayOutcome,
  reportJson,
  type ReadEnd,
} from './replay-run';

const lineageKey = { id: 'l1', secret: Buffer.from('replayer-unit-test-lineage-key-0123456789') };
const run = { runId: 'run-1', nowMs: 1_800_000_000_000, lineageKey };
const roomy = { targetMaxBytes: 1_048_588, parkedMaxBytes: 2_097_152 };

function report() {
  return testReport([
    { partition: 0, start: '5', end: '10' },
    { partition: 1, start: '0', end: '3' },
  ]);
}

describe('chunkSize (records per transaction)', () => {
  it.each([
    [undefined, 500],
    [10_000, 500],
    [50, 50],
    [2.7, 2],
    [0.5, 1],
  ])('--rate %p: %p records', (rate, size) => {
    expect(chunkSize(rate)).toBe(size);
  });
});

describe('replayOutcome', () => {
  const end: ReadEnd = { fenced: false, failed: false, complete: true, stoppedEarly: false, maxReached: false };
  it.each<[Partial<ReadEnd>, string]>([
    [{}, 'complete'],
    [{ fenced: true, failed: true }, 'fenced'],
    [{ failed: true }, 'failed'],
    [{ stoppedEarly: true, maxReached: true }, 'max'],
    [{ complete: false, maxReached: true }, 'max'],
    [{ stoppedEarly: true }, 'interrupted'],
    [{ complete: false }, 'interrupted'],
  ])('%p: %s', (overrides, outcome) => {
    expect(replayOutcome({ ...end, ...overrides })).toBe(outcome);
  });
});

describe('foldChunk', () => {
  it('counts the chunk, moves its partition and returns the records beyond the captured end', () => {
    const r = report();
    const planned = ['8', '9', '10'].map((offset) =>
      planRecord(dlqRecord({}, { offset }), DEFAULT_PLAN_OPTIONS, roomy, run),
    );
    const beyond = foldChunk(r, 0, planned, 11n, new Map([[0, 10n]]));
    expect(beyond).toBe(1);
    expect(r.read).toBe(3);
    expect(r.replayed.total).toBe(3);
    expect(r.partitions[0]?.next).toBe('11');
    expect(progressDetail(r)).toBe('replayed 3  parked 0  skipped 0');
  });

  it('gives the positions of the partitions that moved only', () => {
    const r = report();
    foldChunk(r, 0, [], 7n, new Map());
    expect([...committedPositions(r)]).toEqual([[0, 7n]]);
  });
});

describe('reportJson', () => {
  it('is the report with beyondCapturedEnd, indented, one trailing newline', () => {
    const r = report();
    const text = reportJson(r, 2);
    expect(text.endsWith('}\n')).toBe(true);
    expect(JSON.parse(text)).toEqual({ ...JSON.parse(JSON.stringify(r)), beyondCapturedEnd: 2 });
  });
});
