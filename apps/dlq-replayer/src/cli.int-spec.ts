// The built command-line program (node dist/apps/dlq-replayer/main.js) against a real broker: what operators and
// Kubernetes Jobs run, including signals and a second run on the same group. Killed half-way: replay-kill.fault.
import {
  committedOffsets,
  deleteTestTopics,
  groupsWithOffsets,
  produceRaw,
  readCommitted,
  waitFor,
} from '@login/kafka/testing';
import { DLQ_HEADERS as H } from '@login/event-schema';
import type { InspectResult } from './core/inspect';
import type { ReplayReport } from './core/report';
import {
  buildCli,
  committedSum,
  deadLetters,
  keysOf,
  setupTopics as setup,
  startCli as start,
} from './testing/cli-process';
import { dlqHeaderValues, headerString, rawTerminalControls } from './testing/dlq-fixtures';
import { TEST_LINEAGE_KEY, type Topics } from './testing/harness';

beforeAll(buildCli, 180_000);
afterAll(deleteTestTopics);

describe('the dlq-replayer command line', () => {
  it('a second replay on the same group fences the first, which exits 3 saying so; every record is replayed exactly once', async () => {
    const { t, env } = await setup(1);
    await produceRaw(
      t.dlq,
      deadLetters(t.input, 100, () => 'TIMESTAMP_OUT_OF_RANGE'),
    );

    const first = start(['replay', '--rate', '20', '--no-progress'], env);
    await waitFor('the first run to commit', async () => (await committedSum(t)) > 0, 60_000);
    const second = await start(['replay', '--no-progress'], env).exit;
    const fenced = await first.exit;

    expect(second.code).toBe(0);
    expect(fenced.code).toBe(3);
    expect(fenced.stderr).toContain(`dlq-replayer: fenced: another replay on group "${t.group}" started and took over`);
    expect(fenced.stdout).toContain('FENCED: another replay on the same group took over');
    const input = await readCommitted(t.input);
    expect(keysOf(input).sort()).toEqual(Array.from({ length: 100 }, (_, i) => `user-${i}`).sort());
    expect(await committedOffsets(t.group, t.dlq)).toEqual(new Map([[0, 100n]]));
  });

  describe('signals end every command within 10 s, reporting what was done', () => {
    let big: { t: Topics; env: Record<string, string> };
    const RECORDS = 60_000;

    beforeAll(async () => {
      // Big enough that reading takes seconds: the signal arrives while inspect and the dry run are reading.
      big = await setup(2);
      for (let i = 0; i < RECORDS; i += 5000) {
        await produceRaw(
          big.t.dlq,
          deadLetters(big.t.input, 5000, () => 'TIMESTAMP_OUT_OF_RANGE').map((r, j) => ({
            ...r,
            key: `user-${i + j}`,
          })),
        );
      }
    }, 180_000);

    /** Starts a command, sends `signal` once it reads, and returns how it ended and how long that took. */
    async function interrupt(
      args: string[],
      env: Record<string, string>,
      signal: NodeJS.Signals,
      ready: () => Promise<boolean>,
    ) {
      const run = start(args, env, 'info');
      await waitFor(
        () => `the command to read: ${run.stderr().slice(-2000)}`,
        async () => run.stderr().includes('reading the DLQ') && (await ready()),
        60_000,
      );
      const sent = Date.now();
      run.child.kill(signal);
      const exit = await run.exit;
      return { exit, ms: Date.now() - sent };
    }

    it.each(['SIGTERM', 'SIGINT'] as const)(
      '%s ends inspect: the partial summary says INTERRUPTED, exit 1',
      async (signal) => {
        const { exit, ms } = await interrupt(['inspect', '--json'], big.env, signal, async () => true);
        expect(ms).toBeLessThan(10_000);
        expect(exit.code).toBe(1);
        const result = JSON.parse(exit.stdout) as InspectResult;
        expect(result.outcome).toBe('interrupted');
        expect(result.summary.total).toBeLessThan(RECORDS);
        expect(await groupsWithOffsets(big.t.dlq)).toEqual(new Map());
      },
    );

    it.each(['SIGTERM', 'SIGINT'] as const)(
      '%s ends replay --dry-run: interrupted, nothing written or committed, exit 1',
      async (signal) => {
        const { exit, ms } = await interrupt(['replay', '--dry-run', '--json'], big.env, signal, async () => true);
        expect(ms).toBeLessThan(10_000);
        expect(exit.code).toBe(1);
        const report = JSON.parse(exit.stdout) as ReplayReport;
        expect(report.outcome).toBe('interrupted');
        expect(report.read).toBeLessThan(RECORDS);
        expect(await readCommitted(big.t.input)).toEqual([]);
        expect(await groupsWithOffsets(big.t.dlq)).toEqual(new Map());
      },
    );

    it.each(['SIGTERM', 'SIGINT'] as const)(
      '%s ends replay: what the report counts is exactly what was committed, exit 1',
      async (signal) => {
        const { t, env } = await setup(1);
        await produceRaw(
          t.dlq,
          deadLetters(t.input, 200, () => 'TIMESTAMP_OUT_OF_RANGE'),
        );
        const { exit, ms } = await interrupt(
          ['replay', '--rate', '20', '--json', '--no-progress'],
          env,
          signal,
          async () => (await committedSum(t)) > 0,
        );

        expect(ms).toBeLessThan(10_000);
        expect(exit.code).toBe(1);
        const report = JSON.parse(exit.stdout) as ReplayReport;
        expect(report.outcome).toBe('interrupted');
        expect(report.read).toBeGreaterThan(0);
        expect(report.read).toBeLessThan(200);
        expect(report.partitions).toEqual([{ partition: 0, start: '0', end: '200', next: String(report.read) }]);
        expect(await committedOffsets(t.group, t.dlq)).toEqual(new Map([[0, BigInt(report.read)]]));
        const input = await readCommitted(t.input);
        expect(input).toHaveLength(report.replayed.total);
        expect(input.map((r) => headerString(r.headers, H.eventId))).toEqual(
          Array.from({ length: report.read }, (_, i) => `event-${i}`),
        );
      },
    );
  });

  it('a key, header or value with terminal escapes never reaches the terminal raw, in any output', async () => {
    const { t, env } = await setup(1);
    const forged = '\u001b[2J\u001b[HDLQ fake: 0 record(s)\nreplayed: 999';
    await produceRaw(t.dlq, [
      {
        key: `user\u001b[31m-red${forged}`,
        value: `{"ip":"\u009b6n\u202e"}`,
        headers: {
          ...dlqHeaderValues({ [H.topic]: t.input, [H.reason]: `R\u001b]0;owned\u0007` }),
          'x-trace\u001b[1m': 'a\r\nb',
        },
      },
    ]);
    const outputs = [
      await start(['inspect', '--sample', '5', '--show-values'], env).exit,
      await start(['inspect', '--sample', '5', '--show-values', '--json'], env).exit,
      await start(['replay', '--dry-run'], env).exit,
      await start(['replay', '--dry-run', '--json'], env).exit,
    ];
    for (const out of outputs) {
      expect(out.code).toBe(0);
      expect(rawTerminalControls(`${out.stdout}${out.stderr}`)).toEqual([]);
      expect(out.stdout).not.toMatch(/^(DLQ fake|replayed: 999)/m);
    }
    expect(outputs[0]!.stdout).toContain('key "user\\x1b[31m-red\\x1b[2J\\x1b[HDLQ fake: 0 record(s)\\nreplayed: 999"');
  });

  it('an unreachable broker is a clear error and a non-zero exit, with nothing printed as a result', async () => {
    const run = await start(['replay'], {
      KAFKA_BROKERS: '127.0.0.1:1',
      LOG_LEVEL: 'error',
      LINEAGE_KEY: TEST_LINEAGE_KEY,
    }).exit;
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/dlq-replayer: replay failed \[CONNECTION_ERROR\]: .*ECONNREFUSED/);
  });

  it('bad arguments exit 2 with the reason, --help exits 0', async () => {
    const bad = await start(['replay', '--include-non-retryable'], {}).exit;
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--include-non-retryable: needs --reason');
    const help = await start(['inspect', '--help'], {}).exit;
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: dlq-replayer inspect');
  });
});
