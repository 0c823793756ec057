import type { Consumer } from 'kafkajs';
import { KafkaAdapterError } from '../errors';
import { Assignment, onGroupEvents, type GroupEventsDeps } from './group-events';
import { ReadinessTracker } from './readiness';

const quiet = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined };

function setup(overrides: Partial<GroupEventsDeps> = {}) {
  const handlers = new Map<string, (event: { payload: unknown }) => void>();
  const events = {
    GROUP_JOIN: 'join',
    CRASH: 'crash',
    DISCONNECT: 'disconnect',
    STOP: 'stop',
    REBALANCING: 'rebalancing',
    END_BATCH_PROCESS: 'end-batch',
  };
  const consumer = {
    events,
    on: (name: string, fn: (event: { payload: unknown }) => void) => handlers.set(name, fn),
  } as unknown as Consumer;
  const failures: KafkaAdapterError[] = [];
  const commits: [string, number, string][] = [];
  const assignment = new Assignment();
  const readiness = new ReadinessTracker({ producerConnected: () => true, onChange: () => undefined });
  onGroupEvents({
    consumer,
    assignment,
    readiness,
    transactions: undefined,
    logger: quiet,
    groupId: 'g',
    component: 'test',
    isStopping: () => false,
    isFatal: () => false,
    fail: (e) => failures.push(e),
    commitPastControlRecords: async (topic, partition, offset) => {
      commits.push([topic, partition, offset]);
    },
    ...overrides,
  });
  const emit = (name: keyof typeof events, payload: unknown) => handlers.get(events[name])?.({ payload });
  return { emit, assignment, failures, commits };
}

const endBatch = (partition: number, batchSize: number) => ({
  topic: 't',
  partition,
  batchSize,
  lastOffset: '41',
});

describe('onGroupEvents', () => {
  it('tracks the assignment of each generation and forgets it on a crash, disconnect or stop', () => {
    const { emit, assignment } = setup();
    emit('GROUP_JOIN', { memberId: 'm', memberAssignment: { t: [1, 0] } });
    expect([assignment.has('t', 0), assignment.has('t', 1), assignment.has('t', 2)]).toEqual([true, true, false]);
    emit('GROUP_JOIN', { memberId: 'm', memberAssignment: { t: [2] } });
    expect([assignment.has('t', 0), assignment.has('t', 2)]).toEqual([false, true]);
    for (const name of ['DISCONNECT', 'STOP'] as const) {
      emit('GROUP_JOIN', { memberId: 'm', memberAssignment: { t: [2] } });
      emit(name, {});
      expect(assignment.has('t', 2)).toBe(false);
    }
    emit('GROUP_JOIN', { memberId: 'm', memberAssignment: { t: [2] } });
    emit('CRASH', { error: new Error('x'), restart: true });
    expect(assignment.has('t', 2)).toBe(false);
  });

  it('fails for good on a crash kafkajs does not restart, unless stopping', () => {
    const restarted = setup();
    restarted.emit('CRASH', { error: new Error('x'), restart: true });
    expect(restarted.failures).toEqual([]);

    const crashed = setup();
    crashed.emit('CRASH', { error: new Error('x'), restart: false });
    expect(crashed.failures).toHaveLength(1);
    expect(crashed.failures[0]?.canRetry).toBe(false);

    const stopping = setup({ isStopping: () => true });
    stopping.emit('CRASH', { error: new Error('x'), restart: false });
    expect(stopping.failures).toEqual([]);
  });

  it('commits past a fetch of control records only, on assigned partitions, while running', () => {
    const running = setup();
    running.emit('GROUP_JOIN', { memberId: 'm', memberAssignment: { t: [0] } });
    running.emit('END_BATCH_PROCESS', endBatch(0, 0));
    running.emit('END_BATCH_PROCESS', endBatch(0, 3));
    running.emit('END_BATCH_PROCESS', endBatch(1, 0));
    expect(running.commits).toEqual([['t', 0, '42']]);

    for (const deps of [{ isStopping: () => true }, { isFatal: () => true }]) {
      const stopped = setup(deps);
      stopped.emit('GROUP_JOIN', { memberId: 'm', memberAssignment: { t: [0] } });
      stopped.emit('END_BATCH_PROCESS', endBatch(0, 0));
      expect(stopped.commits).toEqual([]);
    }
  });
});
