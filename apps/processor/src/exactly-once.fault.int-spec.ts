// Fault tests of PROCESSING_GUARANTEE=exactly_once against a real broker: a processor SIGKILLed mid-stream, and a
// zombie (a processor paused past its session timeout while another takes its partitions, then resumed). A
// read_committed reader must find every input's outcome exactly once: 0 duplicates, 0 missing.
import {
  committedOffsets,
  createTestTopic,
  deleteTestTopics,
  produceRaw,
  produceStream,
  reportFaultRun,
  sumOffsets,
  uniqueName,
  waitFor,
} from '@login/kafka/testing';
import { account, drained } from './testing/accounting';
import { validEvent } from './testing/events';
import { killLeftovers, ProcessorProcess } from './testing/processor-process';

const EXACTLY_ONCE = { PROCESSING_GUARANTEE: 'exactly_once', LOG_LEVEL: 'info' };
// The shortest session the broker allows by default: a killed or frozen member's partitions move after ~6 s.
const GROUP_TIMING = { KAFKA_SESSION_TIMEOUT_MS: '6000', KAFKA_HEARTBEAT_INTERVAL_MS: '1000' };

const running: ProcessorProcess[] = [];
afterEach(async () => {
  for (const p of running) if (p.child.signalCode === null && p.child.exitCode === null) p.kill('SIGCONT');
  await killLeftovers(running);
});
afterAll(deleteTestTopics);

async function topics(prefix: string, partitions: number) {
  return {
    input: await createTestTopic(`${prefix}-in`, { partitions }),
    output: await createTestTopic(`${prefix}-out`, { partitions }),
    dlq: await createTestTopic(`${prefix}-dlq`, { partitions }),
    group: uniqueName(prefix),
  };
}

const record = (i: number) => {
  const e = validEvent(i);
  // 1 in 40 is malformed: dead letters are part of the same transactions.
  return { key: e.user_id, value: i % 40 === 0 ? '{"broken' : JSON.stringify(e) };
};

it('SIGKILL mid-stream, then a restart: every input has exactly one outcome for a read_committed reader', async () => {
  const t = await topics('eos-kill', 3);
  const total = 50_000;
  await produceRaw(
    t.input,
    Array.from({ length: total }, (_, i) => record(i)),
  );
  const start = async () => {
    const p = await ProcessorProcess.start({ ...t, env: { ...EXACTLY_ONCE, ...GROUP_TIMING } });
    running.push(p);
    return p;
  };
  const first = await start();
  await first.waitReady();
  await waitFor(
    'a fifth committed',
    async () => sumOffsets((await committedOffsets(t.group, t.input)).values()) >= total / 5,
    60_000,
  );
  first.kill('SIGKILL');
  await first.exited;
  const killedAt = Date.now();
  const second = await start();
  await waitFor(
    () => `not drained:\n${second.logs.slice(-15).join('\n')}`,
    () => drained(t.group, t.input, committedOffsets),
    120_000,
  );
  const result = await account(t.input, t.output, t.dlq);
  reportFaultRun({
    test: 'sigkill exactly_once',
    inputs: result.inputs,
    lost: result.missing.length,
    duplicates: result.duplicates,
    recoveryMs: Date.now() - killedAt,
  });
  expect(result.missing).toEqual([]);
  expect(result.unknown).toBe(0);
  expect(result.duplicates).toBe(0);
  expect(result.outputs + result.deadLetters).toBe(total);
  expect(result.deadLetters).toBe(total / 40);
  expect(second.child.exitCode).toBeNull();
}, 300_000);

/** A processor's last log lines other than its periodic summaries: what it did, for a failure message. */
const events = (logs: readonly string[]) =>
  logs
    .filter((line) => !line.includes('"message":"summary"'))
    .slice(-25)
    .join('\n');

it('a zombie (paused past its session timeout, then resumed) is fenced: nothing of its late transactions is visible', async () => {
  const t = await topics('eos-zombie', 4);
  const total = 40_000;
  const stream = produceStream(t.input, record, { total, perSecond: 2500 });
  const zombie = await ProcessorProcess.start({ ...t, env: { ...EXACTLY_ONCE, ...GROUP_TIMING } });
  running.push(zombie);
  await zombie.waitReady();
  await waitFor(
    'the stream flowing through the first processor',
    async () => sumOffsets((await committedOffsets(t.group, t.input)).values()) >= 2000,
    60_000,
  );
  const taker = await ProcessorProcess.start({ ...t, env: { ...EXACTLY_ONCE, ...GROUP_TIMING } });
  running.push(taker);
  await taker.waitReady();

  // Frozen mid-stream, probably mid-transaction: its partitions move to the other processor after the session
  // timeout, whose initTransactions on the same transactional ids fences it.
  zombie.kill('SIGSTOP');
  const frozenAt = Date.now();
  await waitFor(
    () => `the other processor never took over:\n${taker.logs.slice(-10).join('\n')}`,
    () =>
      taker
        .entries()
        .some(
          (e) =>
            e['message'] === 'joined consumer group' &&
            Date.parse(String(e['timestamp'])) > frozenAt &&
            String(e['assignment']).split(',').length === 4,
        ),
    60_000,
  );
  await new Promise((r) => setTimeout(r, 3000));
  zombie.kill('SIGCONT');

  await stream.done;
  let committed = new Map<number, bigint>();
  await waitFor(
    () =>
      `not drained, committed ${[...committed].map(([p, o]) => `${p}:${o}`).join(' ')}:\n${events(taker.logs)}\n` +
      `the zombie's last lines:\n${events(zombie.logs)}`,
    async () => {
      committed = await committedOffsets(t.group, t.input);
      return drained(t.group, t.input, committedOffsets);
    },
    120_000,
  );
  const result = await account(t.input, t.output, t.dlq);
  const fenced = zombie.entries().filter((e) => String(e['message']).startsWith('fenced')).length;
  reportFaultRun({
    test: 'zombie exactly_once',
    inputs: result.inputs,
    lost: result.missing.length,
    duplicates: result.duplicates,
    fencedTransactions: fenced,
  });
  expect(result.missing).toEqual([]);
  expect(result.unknown).toBe(0);
  expect(result.duplicates).toBe(0);
  expect(result.outputs + result.deadLetters).toBe(total);
  // Both processes are still running: a fenced zombie rejoins the group, it does not die.
  expect(zombie.child.exitCode).toBeNull();
  expect(taker.child.exitCode).toBeNull();
}, 300_000);
