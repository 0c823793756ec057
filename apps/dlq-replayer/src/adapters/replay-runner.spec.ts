import type { TransactionalProducer, TransactionOffsets, OutgoingRecord } from '@login/kafka';
import { DEFAULT_PLAN_OPTIONS, dlqRecord, testReport } from '../testing/dlq-fixtures';
import { ReplayRunner, type ChunkDone, type ReplayRunnerOptions } from './replay-runner';

const lineageKey = { id: 'l1', secret: Buffer.from('replayer-unit-test-lineage-key-0123456789') };

function fakeProducer(fail?: Error) {
  const commits: { records: readonly OutgoingRecord[]; offsets?: TransactionOffsets }[] = [];
  const producer = {
    commitTransaction: (records: readonly OutgoingRecord[], offsets?: TransactionOffsets) => {
      if (fail) return Promise.reject(fail);
      commits.push(offsets ? { records, offsets } : { records });
      return Promise.resolve();
    },
  } as unknown as TransactionalProducer;
  return { producer, commits };
}

function runner(overrides: Partial<ReplayRunnerOptions> = {}) {
  const chunks: ChunkDone[] = [];
  const report = testReport([{ partition: 0, start: '0', end: '10' }]);
  const options: ReplayRunnerOptions = {
    planOptions: DEFAULT_PLAN_OPTIONS,
    limits: { targetMaxBytes: 1_048_588, parkedMaxBytes: 2_097_152 },
    group: 'g',
    lineageKey,
    max: undefined,
    rate: undefined,
    ranges: [{ partition: 0, start: 0n, end: 10n }],
    producer: undefined,
    report,
    progress: { update: () => undefined, finish: () => undefined },
    limiter: { take: () => Promise.resolve() },
    runId: 'run-1',
    now: () => 1_800_000_000_000,
    metrics: undefined,
    signal: new AbortController().signal,
    afterChunk: (chunk) => {
      chunks.push(chunk);
      return Promise.resolve();
    },
    ...overrides,
  };
  return { runner: new ReplayRunner(options), report, chunks };
}

const records = (...offsets: string[]) => offsets.map((offset) => dlqRecord({}, { offset }));

describe('ReplayRunner.handleChunk (one chunk, one transaction)', () => {
  it('commits the chunk with the DLQ offset after it, then counts it', async () => {
    const { producer, commits } = fakeProducer();
    const { runner: r, report, chunks } = runner({ producer });
    await r.handleChunk(records('3', '4'));
    expect(commits).toHaveLength(1);
    expect(commits[0]?.records.map((o) => o.topic)).toEqual(['user-login', 'user-login']);
    expect(commits[0]?.offsets).toEqual({
      groupId: 'g',
      offsets: [{ topic: 'user-login-dlq', partition: 0, offset: 5n }],
    });
    expect(report.replayed.total).toBe(2);
    expect(report.partitions[0]?.next).toBe('5');
    expect(chunks).toEqual([{ partition: 0, records: 2, next: 5n }]);
    expect(r.committedChunks).toBe(1);
  });

  it('a dry run (no producer) counts without committing', async () => {
    const { runner: r, report } = runner();
    await r.handleChunk(records('0'));
    expect(report.read).toBe(1);
    expect(r.committedChunks).toBe(0);
  });

  it('counts nothing of a chunk whose transaction failed', async () => {
    const { producer } = fakeProducer(new Error('broker gone'));
    const { runner: r, report, chunks } = runner({ producer });
    await expect(r.handleChunk(records('0', '1'))).rejects.toThrow('broker gone');
    expect(report.read).toBe(0);
    expect(chunks).toEqual([]);
  });

  it('stops at --max: the rest of the chunk is left, and the read is stopped', async () => {
    const { producer, commits } = fakeProducer();
    const { runner: r, report } = runner({ producer, max: 2 });
    await r.handleChunk(records('0', '1', '2'));
    expect(commits[0]?.records).toHaveLength(2);
    expect(report.partitions[0]?.next).toBe('2');
    expect(r.maxReached).toBe(true);
    expect(r.stop.aborted).toBe(true);
  });

  it('a signal while waiting for the rate leaves that record for the next run', async () => {
    const interrupt = new AbortController();
    let taken = 0;
    const limiter = {
      take: () => {
        taken += 1;
        if (taken === 2) interrupt.abort();
        return Promise.resolve();
      },
    };
    const { runner: r, report } = runner({ limiter, signal: interrupt.signal });
    await r.handleChunk(records('0', '1', '2'));
    expect(report.read).toBe(1);
    expect(report.partitions[0]?.next).toBe('1');
    expect(r.ready()).toBe(false);
  });
});
