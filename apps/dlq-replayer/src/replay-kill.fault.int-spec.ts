// The replayer killed half-way, as a Kubernetes Job's pod can be: each run SIGKILLed with one of its transactions
// open, then a run to the end. Kafka's fencing and transactions must leave every selected dead letter in the input
// exactly once. `npm run soak -- --only replay-kill` repeats it.
import {
  deleteTestTopics,
  partitionsWithOpenTransactions,
  produceRaw,
  readCommitted,
  reportFaultRun,
  waitFor,
} from '@login/kafka/testing';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DLQ_HEADERS as H } from '@login/event-schema';
import type { ReplayReport } from './core/report';
import {
  buildCli,
  committedSum,
  deadLetters,
  keysOf,
  killInTransaction,
  setupTopics,
  startCli,
} from './testing/cli-process';

beforeAll(buildCli, 180_000);
afterAll(deleteTestTopics);

it('SIGKILLed mid-transaction twice and resumed: each selected record is in the input exactly once under read_committed', async () => {
  const { t, env } = await setupTopics(2);
  // Two of three records selected; the others are retryable too, so only the selection keeps them out.
  // Large enough that a run lasts seconds: a kill may need a few freezes, each 300 ms.
  const records = deadLetters(t.input, 60_000, (i) => (i % 3 === 2 ? 'ENRICH_FAILED' : 'TIMESTAMP_OUT_OF_RANGE'));
  for (let i = 0; i < records.length; i += 10_000) await produceRaw(t.dlq, records.slice(i, i + 10_000));
  const selected = records.filter((r) => r.headers[H.reason] === 'TIMESTAMP_OUT_OF_RANGE').map((r) => r.key);
  const args = ['replay', '--reason', 'TIMESTAMP_OUT_OF_RANGE', '--no-progress'];

  // Two runs killed, each with one of its transactions open (records written to the input, not committed).
  let killedAt = 0;
  const freezes: number[] = [];
  for (let kill = 0; kill < 2; kill++) {
    const run = startCli(args, env);
    const from = await committedSum(t);
    // After its first commit, the run's producer has fenced the killed one and aborted its open transaction.
    await waitFor('a run to commit', async () => (await committedSum(t)) > from, 60_000);
    const tries = await killInTransaction(run, t.input);
    expect(tries).not.toBeNull();
    freezes.push(tries!);
    expect((await run.exit).signal).toBe('SIGKILL');
    killedAt = await committedSum(t);
  }
  expect(killedAt).toBeLessThan(records.length);

  const reportFile = path.join(mkdtempSync(path.join(tmpdir(), 'replayer-')), 'report.json');
  const last = await startCli([...args, '--json', '--report-file', reportFile], env).exit;
  expect(last.stderr).not.toMatch(/"level":"error"/);
  expect(last.code).toBe(0);
  const report = JSON.parse(last.stdout) as ReplayReport;
  expect(JSON.parse(readFileSync(reportFile, 'utf8'))).toEqual(report);
  expect(report.outcome).toBe('complete');
  // The resumed run reads exactly from the committed offsets to the end, and its counts add up.
  expect(report.read).toBe(records.length - killedAt);
  expect(report.replayed.total + report.parked.total + report.skipped.total).toBe(report.read);

  expect(await partitionsWithOpenTransactions(t.input)).toEqual([]);
  const replayed = keysOf(await readCommitted(t.input));
  const distinct = new Set(replayed);
  const lost = selected.filter((key) => !distinct.has(key)).length;
  reportFaultRun({
    test: 'replayer sigkill',
    inputs: selected.length,
    lost,
    duplicates: replayed.length - distinct.size,
    kills: freezes.length,
    freezes: freezes.join('+'),
  });
  expect({ lost, duplicates: replayed.length - distinct.size }).toEqual({ lost: 0, duplicates: 0 });
  expect(replayed.sort()).toEqual([...selected].sort());
  expect(await committedSum(t)).toBe(records.length);
}, 300_000);
