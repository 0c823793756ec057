import { KafkaAdapterError } from '../errors';
import { joinedReadiness, recordingLogger } from '../testing/chunk-harness';
import type { ChunkContext, ChunkWhere } from './chunk-context';
import { heartbeatOrRejoin, retryChunk, type ChunkAttempt, type ChunkRetryDeps } from './chunk-retry';
import type { ChunkStage } from './types';

const protocol = (type: string) =>
  Object.assign(new Error(type), { name: 'KafkaJSProtocolError', type, retriable: false });
const connection = () => Object.assign(new Error('Connection error'), { name: 'KafkaJSConnectionError' });

const where: ChunkWhere = {
  component: 'kafka.batch-consumer',
  groupId: 'g',
  topic: 'in',
  partition: 2,
  firstOffset: '5',
  lastOffset: '9',
};

/** An attempt that throws the queued failures first (each at its stage), then ends with `end`. */
function scriptedAttempt(
  failures: Array<[ChunkStage, unknown]>,
  end: 'done' | 'fatal' | 'abandoned' = 'done',
): ChunkAttempt & { runs: number } {
  return {
    runs: 0,
    stage: 'send',
    async run() {
      this.runs += 1;
      const next = failures.shift();
      if (!next) return end;
      (this as { stage: ChunkStage }).stage = next[0];
      throw next[1];
    },
  };
}

function harness(options: { active?: () => boolean; heartbeat?: () => Promise<void> } = {}) {
  const { logger, logs } = recordingLogger();
  const { readiness, readinessChanges } = joinedReadiness();
  const sleeps: number[] = [];
  const retries: string[] = [];
  const fatals: KafkaAdapterError[] = [];
  let heartbeats = 0;
  let clock = 1000;
  const ctx: ChunkContext = {
    topic: 'in',
    partition: 2,
    highWatermark: '20',
    isActive: options.active ?? (() => true),
    heartbeat: options.heartbeat ?? (async () => void (heartbeats += 1)),
    commit: async () => undefined,
  };
  const deps: ChunkRetryDeps = {
    logger,
    groupId: 'g',
    readiness,
    retry: { initialMs: 100, maxMs: 300, factor: 2, jitter: 0 },
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    onRetry: (info) => retries.push(`${info.stage}:${info.code}:${info.attempt}:${info.delayMs}`),
    onFatal: (e) => fatals.push(e),
    now: () => clock,
  };
  return { ctx, deps, logs, readiness, readinessChanges, sleeps, retries, fatals, heartbeats: () => heartbeats };
}

describe('retryChunk', () => {
  it('ends done after one attempt that succeeds: no retry, no wait, nothing logged', async () => {
    const h = harness();
    const attempt = scriptedAttempt([]);
    expect(await retryChunk(attempt, h.ctx, where, 1000, h.deps)).toEqual({ end: 'done', retries: 0, durationMs: 0 });
    expect(attempt.runs).toBe(1);
    expect(h.sleeps).toEqual([]);
    expect(h.logs).toEqual([]);
  });

  it('retries retriable errors with capped backoff, one warning, a heartbeat each time, then one recovery line', async () => {
    const h = harness();
    const attempt = scriptedAttempt([
      ['send', connection()],
      ['send', connection()],
      ['commit', protocol('NOT_COORDINATOR_FOR_GROUP')],
    ]);
    expect(await retryChunk(attempt, h.ctx, where, 1000, h.deps)).toEqual({
      end: 'done',
      retries: 3,
      durationMs: 600,
    });
    expect(attempt.runs).toBe(4);
    expect(h.sleeps).toEqual([100, 200, 300]);
    expect(h.retries).toEqual([
      'send:CONNECTION_ERROR:1:100',
      'send:CONNECTION_ERROR:2:200',
      'commit:NOT_COORDINATOR_FOR_GROUP:3:300',
    ]);
    expect(h.heartbeats()).toBe(3);
    expect(h.logs.map(([level, message]) => [level, message])).toEqual([
      ['warn', 'send failed; retrying, nothing committed past acknowledged records'],
      ['debug', 'send failed again; retrying'],
      ['debug', 'commit failed again; retrying'],
      ['info', 'chunk recovered after retries'],
    ]);
    expect(h.logs[3]?.[2]).toMatchObject({ ...where, attempts: 3, durationMs: 600 });
    expect(h.readinessChanges).toEqual([
      [true, undefined],
      [false, 'retrying in/2: send CONNECTION_ERROR'],
      [true, undefined],
    ]);
  });

  it("adds the attempt's progress to the retry's log line", async () => {
    const h = harness();
    const attempt = { ...scriptedAttempt([['send', connection()]]), progress: () => ({ acknowledged: 2 }) };
    await retryChunk(attempt, h.ctx, where, 1000, h.deps);
    expect(h.logs[0]?.[2]).toMatchObject({ ...where, acknowledged: 2, stage: 'send', attempt: 1, delayMs: 100 });
  });

  it('throws a group-membership error back unchanged, and the partition no longer counts as retrying', async () => {
    const h = harness();
    const rebalance = protocol('REBALANCE_IN_PROGRESS');
    const attempt = scriptedAttempt([
      ['send', connection()],
      ['commit', rebalance],
    ]);
    await expect(retryChunk(attempt, h.ctx, where, 1000, h.deps)).rejects.toBe(rebalance);
    expect(h.readiness.current()).toEqual({ ready: true, reasons: [] });
    expect(h.fatals).toEqual([]);
  });

  it('stops on an error no retry can fix, naming the stage it failed in and the chunk, without waiting', async () => {
    const h = harness();
    const attempt = scriptedAttempt([['commit', protocol('TOPIC_AUTHORIZATION_FAILED')]]);
    expect(await retryChunk(attempt, h.ctx, where, 1000, h.deps)).toEqual({ end: 'fatal' });
    expect(h.fatals).toEqual([
      expect.objectContaining({
        code: 'TOPIC_AUTHORIZATION_FAILED',
        canRetry: false,
        message: expect.stringContaining('commit failed on in/2 at offsets 5..9'),
      }),
    ]);
    expect(h.sleeps).toEqual([]);
  });

  it.each(['fatal', 'abandoned'] as const)('ends %s without a retry when the attempt says so', async (end) => {
    const h = harness();
    const attempt = scriptedAttempt([['send', connection()]], end);
    expect(await retryChunk(attempt, h.ctx, where, 1000, h.deps)).toEqual({ end });
    expect(attempt.runs).toBe(2);
    expect(h.readiness.current().ready).toBe(true);
  });

  it('abandons the chunk when the partition stops being ours during the backoff (stop, revocation)', async () => {
    let active = true;
    const h = harness({ active: () => active });
    h.deps = { ...h.deps, sleep: async () => void (active = false) };
    const attempt = scriptedAttempt([['send', connection()]]);
    expect(await retryChunk(attempt, h.ctx, where, 1000, h.deps)).toEqual({ end: 'abandoned' });
    expect(attempt.runs).toBe(1);
    expect(h.readiness.current().ready).toBe(true);
  });

  it('does not wait at all when the partition is no longer ours already', async () => {
    const h = harness({ active: () => false });
    const attempt = scriptedAttempt([['transaction', connection()]]);
    expect(await retryChunk(attempt, h.ctx, where, 1000, h.deps)).toEqual({ end: 'abandoned' });
    expect(h.sleeps).toEqual([]);
    expect(h.retries).toEqual(['transaction:CONNECTION_ERROR:1:100']);
  });

  it('hands a rebalance reported by the heartbeat between attempts back to kafkajs', async () => {
    const rebalance = protocol('UNKNOWN_MEMBER_ID');
    const h = harness({ heartbeat: async () => Promise.reject(rebalance) });
    const attempt = scriptedAttempt([['send', connection()]]);
    await expect(retryChunk(attempt, h.ctx, where, 1000, h.deps)).rejects.toBe(rebalance);
    expect(attempt.runs).toBe(1);
  });
});

describe('heartbeatOrRejoin', () => {
  it('only logs a heartbeat that failed for another reason', async () => {
    const h = harness();
    await expect(heartbeatOrRejoin({ heartbeat: async () => Promise.reject(connection()) }, h.deps)).resolves.toBe(
      undefined,
    );
    expect(h.logs.map(([level, message]) => [level, message])).toEqual([['debug', 'heartbeat failed']]);
  });
});
