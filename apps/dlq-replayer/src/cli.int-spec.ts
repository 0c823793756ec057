// The built command-line program (node dist/apps/dlq-replayer/main.js) against a real broker: what operators and
// Kubernetes Jobs run, including being killed half-way and a second run on the same group.
import {
  committedOffsets,
  consumeUntil,
  createTestTopic,
  deleteTestTopics,
  produceRaw,
  recordCount,
  trackTestTopic,
  uniqueName,
  waitFor,
} from '@login/kafka/testing';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { lockTopicFor } from './adapters/run-lock';
import { DLQ_HEADERS as H } from './core/dlq-headers';
import { dlqHeaderValues } from './testing/dlq-fixtures';
import { replayerEnv } from './testing/harness';

const root = path.resolve(__dirname, '../../..');
const cli = path.join(root, 'dist/apps/dlq-replayer/main.js');

beforeAll(() => {
  execFileSync('npx', ['nx', 'build', 'dlq-replayer'], { cwd: root, env: { ...process.env, NX_DAEMON: 'false' }, stdio: 'ignore' });
}, 180_000);
afterAll(deleteTestTopics);

interface Run {
  readonly child: ChildProcess;
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

function start(args: string[], env: Record<string, string>): Run {
  const child = spawn(process.execPath, [cli, ...args], { cwd: root, env: { ...process.env, ...env, LOG_LEVEL: 'warn' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, exit };
}

async function setup(partitions: number) {
  const group = uniqueName('cli-group');
  trackTestTopic(lockTopicFor(group));
  const t = {
    input: await createTestTopic('cli-input'),
    dlq: await createTestTopic('cli-dlq', { partitions }),
    output: await createTestTopic('cli-output'),
    parked: await createTestTopic('cli-parked'),
    group,
  };
  return { t, env: replayerEnv(t) };
}

function deadLetters(input: string, n: number, reason: (i: number) => string) {
  return Array.from({ length: n }, (_, i) => ({
    key: `user-${i}`,
    value: `{"n":${i}}`,
    headers: dlqHeaderValues({ [H.topic]: input, [H.eventId]: `event-${i}`, [H.reason]: reason(i), [H.retryable]: 'true' }),
  }));
}

describe('the dlq-replayer command line', () => {
  it('killed with SIGKILL half-way and restarted, re-publishes every selected record at least once and nothing else', async () => {
    const { t, env } = await setup(2);
    // Two of three records selected; the others are retryable too, so only the selection keeps them out.
    const records = deadLetters(t.input, 300, (i) => (i % 3 === 2 ? 'ENRICH_FAILED' : 'TIMESTAMP_OUT_OF_RANGE'));
    await produceRaw(t.dlq, records);
    const selected = new Set(records.filter((r) => r.headers[H.reason] === 'TIMESTAMP_OUT_OF_RANGE').map((r) => r.key));
    expect(selected.size).toBe(200);

    const args = ['replay', '--reason', 'TIMESTAMP_OUT_OF_RANGE', '--no-progress'];
    const first = start([...args, '--rate', '40'], env);
    await waitFor('the first run to re-publish 60 records', async () => (await recordCount(t.input)) >= 60, 60_000);
    await waitFor('a first commit', async () => [...(await committedOffsets(t.group, t.dlq)).values()].some((o) => o > 0n), 60_000);
    first.child.kill('SIGKILL');
    expect((await first.exit).signal).toBe('SIGKILL');
    const afterKill = await recordCount(t.input);
    expect(afterKill).toBeLessThan(200);
    const resumeAt = await committedOffsets(t.group, t.dlq);
    const resumeFrom = [...resumeAt.values()].reduce((sum, o) => sum + (o < 0n ? 0n : o), 0n);

    const reportFile = path.join(mkdtempSync(path.join(tmpdir(), 'replayer-')), 'report.json');
    const second = await start([...args, '--json', '--report-file', reportFile], env).exit;
    expect(second.stderr).not.toMatch(/"level":"error"/);
    expect(second.code).toBe(0);
    const report = JSON.parse(second.stdout) as { read: number; outcome: string; replayed: { total: number }; parked: { total: number }; skipped: { total: number; byDecision: Record<string, number> } };
    expect(JSON.parse(readFileSync(reportFile, 'utf8'))).toEqual(report);
    expect(report.outcome).toBe('complete');
    // The restarted run reads exactly from the committed offsets to the end, and its counts add up.
    expect(report.read).toBe(300 - Number(resumeFrom));
    expect(report.replayed.total + report.parked.total + report.skipped.total).toBe(report.read);
    expect(report.skipped.byDecision).toEqual(report.skipped.total > 0 ? { NOT_SELECTED: report.skipped.total } : {});

    const total = await recordCount(t.input);
    const republished = await consumeUntil(t.input, total, { settleMs: 300 });
    const keys = republished.map((r) => r.key!.toString());
    expect(new Set(keys)).toEqual(selected);
    // Duplicates only from the chunk in flight when the first run was killed (at most --rate records).
    expect(keys.length - selected.size).toBeLessThanOrEqual(40 * 2);
    const ends = [...(await committedOffsets(t.group, t.dlq)).values()];
    expect(ends.reduce((a, b) => a + b, 0n)).toBe(300n);
  });

  it('a second replay on the same group refuses while the first runs, and the first is not disturbed', async () => {
    const { t, env } = await setup(1);
    await produceRaw(t.dlq, deadLetters(t.input, 100, () => 'TIMESTAMP_OUT_OF_RANGE'));

    const first = start(['replay', '--rate', '25', '--no-progress'], env);
    await waitFor('the first run to start re-publishing', async () => (await recordCount(t.input)) > 0, 60_000);
    const second = await start(['replay', '--no-progress'], env).exit;

    expect(second.code).toBe(3);
    expect(second.stderr).toContain(`another replay is running on consumer group "${t.group}"`);
    const done = await first.exit;
    expect(done.code).toBe(0);
    expect(done.stdout).toContain('replayed: 100');
    // The second run never joined the group: no rebalance, hence not a single duplicate.
    expect(await recordCount(t.input)).toBe(100);
    expect(await committedOffsets(t.group, t.dlq)).toEqual(new Map([[0, 100n]]));
  });

  it('SIGTERM finishes and commits the in-flight batch, prints the report and exits 1; the report matches the commits', async () => {
    const { t, env } = await setup(1);
    await produceRaw(t.dlq, deadLetters(t.input, 200, () => 'TIMESTAMP_OUT_OF_RANGE'));

    const run = start(['replay', '--rate', '20', '--json', '--no-progress'], env);
    await waitFor('a first commit', async () => [...(await committedOffsets(t.group, t.dlq)).values()].some((o) => o > 0n), 60_000);
    run.child.kill('SIGTERM');
    const done = await run.exit;

    expect(done.code).toBe(1);
    const report = JSON.parse(done.stdout) as { outcome: string; read: number; replayed: { total: number } };
    expect(report.outcome).toBe('interrupted');
    expect(report.read).toBeGreaterThan(0);
    expect(report.read).toBeLessThan(200);
    // Everything counted was acknowledged and committed, and nothing more was re-published.
    expect(await committedOffsets(t.group, t.dlq)).toEqual(new Map([[0, BigInt(report.read)]]));
    expect(await recordCount(t.input)).toBe(report.replayed.total);
  });

  it('an unreachable broker is a clear error and a non-zero exit, with nothing printed as a result', async () => {
    const run = await start(['replay'], { KAFKA_BROKERS: '127.0.0.1:1', LOG_LEVEL: 'error' }).exit;
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/dlq-replayer: replay failed \[CONNECTION_ERROR\]: .*ECONNREFUSED/);
  });

  it('bad arguments exit 2 with the reason, --help exits 0', async () => {
    const bad = await start(['replay', '--include-non-retryable'], {}).exit;
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--include-non-retryable needs --reason');
    const help = await start(['inspect', '--help'], {}).exit;
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: dlq-replayer inspect');
  });
});
