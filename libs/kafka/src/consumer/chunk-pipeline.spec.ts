import { KafkaAdapterError } from '../errors';
import type { PendingSend } from '../producer/record-producer';
import type { ConsumedRecord, OutgoingRecord } from '../types';
import type { ChunkContext } from './chunk-context';
import { processChunk, type ChunkPipelineDeps } from './chunk-pipeline';
import { joinedReadiness, recordingLogger } from '../testing/chunk-harness';
import type { Transform } from './types';

const rec = (offset: number): ConsumedRecord => ({
  topic: 'in',
  partition: 3,
  offset: String(offset),
  timestamp: '0',
  key: null,
  value: Buffer.from('v'),
  headers: {},
});
const identity: Transform<string> = (records) => ({
  records: records.map((r) => ({ topic: 'out', key: null, value: r.value })),
  outcomes: records.map((r) => r.offset),
});
const protocol = (type: string) =>
  Object.assign(new Error(type), { name: 'KafkaJSProtocolError', type, retriable: false });
const connection = () =>
  Object.assign(new Error('Connection error: read ECONNRESET'), { name: 'KafkaJSConnectionError' });

/** A producer whose sends fail with the queued errors first; it counts sends and what each attempt still had. */
function fakeProducer(failures: unknown[]) {
  const sends: Array<readonly OutgoingRecord[]> = [];
  const attempts: number[] = [];
  return {
    sends,
    attempts,
    startSend(records: readonly OutgoingRecord[]): PendingSend {
      sends.push(records);
      let acked = 0;
      return {
        async complete() {
          attempts.push(records.length - acked);
          const failure = failures.shift();
          // A failing attempt still got half of what was pending acknowledged.
          if (failure) {
            acked += Math.floor((records.length - acked) / 2);
            throw failure;
          }
          acked = records.length;
        },
        get acknowledged() {
          return acked;
        },
        get pending() {
          return records.length - acked;
        },
      };
    },
  };
}

function harness(options: { sendFailures?: unknown[]; commitFailures?: unknown[]; active?: () => boolean } = {}) {
  const { logger, logs } = recordingLogger();
  const producer = fakeProducer(options.sendFailures ?? []);
  const commitFailures = options.commitFailures ?? [];
  const commits: string[] = [];
  const { readiness, readinessChanges } = joinedReadiness();
  const fatals: KafkaAdapterError[] = [];
  const retries: string[] = [];
  const sleeps: number[] = [];
  const ctx: ChunkContext = {
    topic: 'in',
    partition: 3,
    highWatermark: '120',
    isActive: options.active ?? (() => true),
    heartbeat: async () => undefined,
    commit: async (offset) => {
      const failure = commitFailures.shift();
      if (failure) throw failure;
      commits.push(offset);
    },
  };
  let clock = 1000;
  const deps: ChunkPipelineDeps<string> = {
    transform: identity,
    producer,
    logger,
    groupId: 'g',
    readiness,
    retry: { initialMs: 100, maxMs: 1000, factor: 2, jitter: 0 },
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    onRetry: (info) => retries.push(`${info.stage}:${info.code}:${info.attempt}`),
    onFatal: (e) => fatals.push(e),
    now: () => clock,
  };
  return { ctx, deps, producer, commits, readiness, readinessChanges, fatals, retries, sleeps, logs };
}

const records = [rec(100), rec(101), rec(102)];

describe('processChunk', () => {
  it('transforms, sends, commits the offset after the chunk and reports the chunk with its outcomes and lag', async () => {
    const h = harness();
    const result = await processChunk(records, '104', h.ctx, h.deps);
    expect(result).toEqual({
      end: 'committed',
      info: expect.objectContaining({
        records: 3,
        outputs: 3,
        outcomes: ['100', '101', '102'],
        firstOffset: '100',
        lastOffset: '102',
        committedOffset: '104',
        lag: 16,
        retries: 0,
      }),
    });
    expect(h.commits).toEqual(['104']);
    expect(h.readinessChanges).toEqual([[true, undefined]]);
  });

  it('retries a failed send by resending only the unacknowledged records, one warning for the outage, then ready again', async () => {
    const h = harness({ sendFailures: [connection(), connection(), protocol('NOT_LEADER_OR_FOLLOWER')] });
    const result = await processChunk(records, '103', h.ctx, h.deps);
    expect(result.end).toBe('committed');
    // One send, resumed: each attempt had only what the previous left unacknowledged.
    expect(h.producer.sends).toHaveLength(1);
    expect(h.producer.attempts).toEqual([3, 2, 1, 1]);
    expect(h.retries).toEqual(['send:CONNECTION_ERROR:1', 'send:CONNECTION_ERROR:2', 'send:NOT_LEADER_OR_FOLLOWER:3']);
    expect(h.sleeps).toEqual([100, 200, 400]);
    expect(h.logs.filter(([level]) => level === 'warn')).toHaveLength(1);
    expect(h.logs.filter(([, m]) => m === 'chunk recovered after retries')).toHaveLength(1);
    expect(h.readinessChanges).toEqual([
      [true, undefined],
      [false, 'retrying in/3: send CONNECTION_ERROR'],
      [true, undefined],
    ]);
    expect(h.commits).toEqual(['103']);
  });

  it('retries a failed commit without sending again (a coordinator that moved is found again by kafkajs)', async () => {
    const h = harness({
      commitFailures: [
        protocol('NOT_COORDINATOR_FOR_GROUP'),
        Object.assign(new Error('Broker 1 not found in the cached metadata'), { name: 'KafkaJSBrokerNotFound' }),
      ],
    });
    const result = await processChunk(records, '103', h.ctx, h.deps);
    expect(result.end).toBe('committed');
    expect(h.producer.attempts).toEqual([3]);
    expect(h.retries).toEqual(['commit:NOT_COORDINATOR_FOR_GROUP:1', 'commit:BROKER_NOT_FOUND:2']);
    expect(h.commits).toEqual(['103']);
  });

  it('replaces nothing itself on producer-identity errors: it retries, and the producer resends the rest', async () => {
    const h = harness({ sendFailures: [protocol('OUT_OF_ORDER_SEQUENCE_NUMBER')] });
    expect((await processChunk(records, '103', h.ctx, h.deps)).end).toBe('committed');
    expect(h.fatals).toEqual([]);
    expect(h.retries).toEqual(['send:OUT_OF_ORDER_SEQUENCE_NUMBER:1']);
  });

  it('hands a rebalance at commit back to kafkajs, and the partition no longer keeps the runner not ready', async () => {
    const h = harness({ sendFailures: [connection()], commitFailures: [protocol('REBALANCE_IN_PROGRESS')] });
    await expect(processChunk(records, '103', h.ctx, h.deps)).rejects.toMatchObject({ type: 'REBALANCE_IN_PROGRESS' });
    expect(h.readiness.current()).toEqual({ ready: true, reasons: [] });
    expect(h.commits).toEqual([]);
  });

  it('abandons the chunk (uncommitted, to be redelivered) once the partition is no longer ours, and is ready again', async () => {
    let active = true;
    const h = harness({ sendFailures: [connection()], active: () => active });
    h.deps = { ...h.deps, sleep: async () => void (active = false) };
    expect(await processChunk(records, '103', h.ctx, h.deps)).toEqual({ end: 'abandoned' });
    expect(h.commits).toEqual([]);
    expect(h.readiness.current().ready).toBe(true);
  });

  it('stops (fatal, nothing committed) on an error no retry can fix', async () => {
    const h = harness({ sendFailures: [protocol('MESSAGE_TOO_LARGE')] });
    expect(await processChunk(records, '103', h.ctx, h.deps)).toEqual({ end: 'fatal' });
    expect(h.fatals).toEqual([
      expect.objectContaining({
        code: 'MESSAGE_TOO_LARGE',
        canRetry: false,
        message: expect.stringContaining('send failed on in/3 at offsets 100..102'),
      }),
    ]);
    expect(h.commits).toEqual([]);
  });

  it('stops (fatal) on a transform that throws when nothing can dead-letter the record: never a retry loop', async () => {
    const h = harness();
    h.deps = {
      ...h.deps,
      transform: () => {
        throw new TypeError('bug');
      },
    };
    expect(await processChunk([rec(7)], '8', h.ctx, h.deps)).toEqual({ end: 'fatal' });
    expect(h.fatals[0]).toMatchObject({ code: 'TRANSFORM_FAILED' });
    expect(h.producer.sends).toEqual([]);
  });

  it('commits a chunk whose transform produced nothing, without a send', async () => {
    const h = harness();
    h.deps = { ...h.deps, transform: (rs) => ({ records: [], outcomes: rs.map(() => 'skip') }) };
    expect((await processChunk(records, '103', h.ctx, h.deps)).end).toBe('committed');
    expect(h.producer.sends).toEqual([]);
    expect(h.commits).toEqual(['103']);
  });
});
