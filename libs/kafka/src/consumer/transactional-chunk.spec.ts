import { KafkaAdapterError } from '../errors';
import type { TransactionalProducer, TransactionOffsets } from '../producer/transactional-producer';
import { consumedRecord } from '../testing/consumed-record';
import { quietLogger } from '../testing/quiet-logger';
import type { OutgoingRecord } from '../types';
import type { ChunkContext } from './chunk-context';
import { PartitionTransactions } from './partition-transactions';
import { ReadinessTracker } from './readiness';
import { processChunkInTransaction, type TransactionalChunkDeps } from './transactional-chunk';

const connectionError = () => Object.assign(new Error('Connection error'), { name: 'KafkaJSConnectionError' });

/** A broker's view of one partition's transactional id: what was committed, and which producer epoch owns it. */
function fakeCluster(initialCommitted: bigint | null) {
  const state = {
    committed: initialCommitted,
    epoch: 0,
    committedOutputs: [] as string[],
    inits: 0,
    failures: [] as Array<'before' | 'after-commit'>,
  };
  const create = (transactionalId: string): TransactionalProducer => {
    let epoch = -1;
    let ready = false;
    return {
      transactionalId,
      async connect() {
        state.inits += 1;
        state.epoch += 1;
        epoch = state.epoch;
        ready = true;
      },
      async commitTransaction(records: readonly OutgoingRecord[], offsets?: TransactionOffsets) {
        if (epoch !== state.epoch) {
          // Like the real producer: any failed transaction leaves it to be initialised again.
          ready = false;
          throw new KafkaAdapterError('fenced', { code: 'PRODUCER_FENCED', canRetry: false });
        }
        const failure = state.failures.shift();
        if (failure === 'before') {
          ready = false;
          throw connectionError();
        }
        state.committedOutputs.push(...records.map((r) => String(r.value)));
        state.committed = offsets?.offsets[0]?.offset ?? state.committed;
        if (failure === 'after-commit') {
          // The commit went through, but its answer was lost: the producer must initialise again.
          ready = false;
          throw connectionError();
        }
      },
      async disconnect() {
        ready = false;
      },
      isConnected: () => ready,
    };
  };
  return { state, create };
}

function harness(initialCommitted: bigint | null = null) {
  const cluster = fakeCluster(initialCommitted);
  const transactions = new PartitionTransactions('g', {
    create: cluster.create,
    committedOffset: async () => cluster.state.committed,
  });
  const transformed: string[][] = [];
  const outcomes: string[] = [];
  const readiness = new ReadinessTracker({ producerConnected: () => true, onChange: () => undefined });
  const deps: TransactionalChunkDeps<string> = {
    transform: (records) => {
      transformed.push(records.map((r) => r.offset));
      return {
        records: records.map((r) => ({ topic: 'out', key: null, value: `out-${r.offset}` })),
        outcomes: records.map((r) => r.offset),
      };
    },
    transactions,
    logger: quietLogger,
    groupId: 'g',
    readiness,
    retry: { initialMs: 1, maxMs: 1, factor: 1, jitter: 0 },
    sleep: async () => undefined,
    onRetry: () => undefined,
    onFatal: (e) => outcomes.push(`fatal ${e.code}`),
    onTransaction: (result) => outcomes.push(result),
    now: () => 0,
  };
  const ctx: ChunkContext = {
    topic: 'in',
    partition: 0,
    highWatermark: '100',
    isActive: () => true,
    heartbeat: async () => undefined,
    commit: async () => undefined,
  };
  return { cluster, transactions, transformed, outcomes, deps, ctx };
}

const chunk = [10, 11, 12, 13].map(consumedRecord);

describe('processChunkInTransaction', () => {
  it('commits outputs and the input offset in one transaction', async () => {
    const h = harness(10n);
    const result = await processChunkInTransaction(chunk, '14', h.ctx, h.deps);
    expect(result).toMatchObject({
      end: 'committed',
      info: { records: 4, outcomes: ['10', '11', '12', '13'], committedOffset: '14' },
    });
    expect(h.cluster.state.committed).toBe(14n);
    expect(h.cluster.state.committedOutputs).toEqual(['out-10', 'out-11', 'out-12', 'out-13']);
    expect(h.outcomes).toEqual(['committed']);
  });

  it('skips the records below the offset a previous owner committed (read after initTransactions)', async () => {
    const h = harness(12n);
    const result = await processChunkInTransaction(chunk, '14', h.ctx, h.deps);
    expect(h.transformed).toEqual([['12', '13']]);
    expect(h.cluster.state.committedOutputs).toEqual(['out-12', 'out-13']);
    expect(result).toMatchObject({ end: 'committed', info: { records: 2, outcomes: ['12', '13'] } });
  });

  it('redoes an aborted transaction with the same outputs (transformed once)', async () => {
    const h = harness(10n);
    h.cluster.state.failures.push('before', 'before');
    expect((await processChunkInTransaction(chunk, '14', h.ctx, h.deps)).end).toBe('committed');
    expect(h.transformed).toHaveLength(1);
    expect(h.cluster.state.committedOutputs).toEqual(['out-10', 'out-11', 'out-12', 'out-13']);
    expect(h.outcomes).toEqual(['aborted', 'aborted', 'committed']);
    expect(h.cluster.state.inits).toBe(3);
  });

  it('does not commit twice when a commit went through but its answer was lost', async () => {
    const h = harness(10n);
    h.cluster.state.failures.push('after-commit');
    expect((await processChunkInTransaction(chunk, '14', h.ctx, h.deps)).end).toBe('committed');
    // After initialising again the committed offset is the chunk's end: nothing is sent again.
    expect(h.cluster.state.committedOutputs).toEqual(['out-10', 'out-11', 'out-12', 'out-13']);
    expect(h.cluster.state.committed).toBe(14n);
  });

  it('as a zombie (another producer took the id over), abandons the chunk and leaves the partition alone until a rejoin', async () => {
    const h = harness(10n);
    await h.transactions.acquire('in', 0);
    // The new owner initialises the same transactional id: a newer epoch.
    await h.cluster.create('g.in.0').connect();
    expect(await processChunkInTransaction(chunk, '14', h.ctx, h.deps)).toEqual({ end: 'abandoned' });
    expect(h.transactions.isFenced('in', 0)).toBe(true);
    const inits = h.cluster.state.inits;
    expect(await processChunkInTransaction(chunk, '14', h.ctx, h.deps)).toEqual({ end: 'abandoned' });
    // It never initialises again on its own: that would fence the rightful owner.
    expect(h.cluster.state.inits).toBe(inits);
    expect(h.cluster.state.committedOutputs).toEqual([]);
    await h.transactions.assigned();
    expect(h.transactions.isFenced('in', 0)).toBe(false);
  });

  it('a fenced answer that arrives after a rejoin (its chunk began before it) leaves the partition to this member', async () => {
    const h = harness(10n);
    const { producer } = await h.transactions.acquire('in', 0);
    const commit = producer.commitTransaction.bind(producer);
    let answer: (() => void) | undefined;
    producer.commitTransaction = async (records, offsets) => {
      // The answer is late: the member rejoins (and owns the partition again) before it arrives.
      producer.commitTransaction = commit;
      await new Promise<void>((resolve) => (answer = resolve));
      return commit(records, offsets);
    };
    await h.cluster.create('g.in.0').connect();
    const late = processChunkInTransaction(chunk, '14', h.ctx, h.deps);
    while (!answer) await new Promise((r) => setImmediate(r));
    await h.transactions.assigned();
    answer?.();
    expect(await late).toEqual({ end: 'abandoned' });
    expect(h.transactions.isFenced('in', 0)).toBe(false);
    // The next chunk initialises the id again (this member owns the partition now) and commits.
    expect((await processChunkInTransaction(chunk, '14', h.ctx, h.deps)).end).toBe('committed');
    expect(h.cluster.state.committedOutputs).toEqual(['out-10', 'out-11', 'out-12', 'out-13']);
  });

  it('closes every producer on a rejoin, revoked or kept', async () => {
    const h = harness(0n);
    await h.transactions.acquire('in', 0);
    await h.transactions.acquire('in', 1);
    await h.transactions.assigned();
    expect(h.transactions.size()).toBe(0);
  });

  it('a partition kept through a rejoin, owned by another member in between, is processed again', async () => {
    const h = harness(10n);
    await h.transactions.acquire('in', 0);
    // Frozen past its session: another member owned the partition meanwhile and initialised its transactional
    // id, committing up to 12. Then this member rejoined and got the partition back.
    await h.cluster.create('g.in.0').connect();
    h.cluster.state.committed = 12n;
    await h.transactions.assigned();
    // The producer initialised before the rejoin is stale: kept, its first transaction would be fenced in the
    // current generation and the partition would never be processed again.
    expect((await processChunkInTransaction(chunk, '14', h.ctx, h.deps)).end).toBe('committed');
    expect(h.transactions.isFenced('in', 0)).toBe(false);
    // Only what the other owner had not committed.
    expect(h.cluster.state.committedOutputs).toEqual(['out-12', 'out-13']);
    expect(h.cluster.state.committed).toBe(14n);
  });
});
