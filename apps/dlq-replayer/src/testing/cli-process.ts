// The built command-line program (node dist/apps/dlq-replayer/main.js) as the CLI and fault specs run it: started
// as a child process, killed, frozen, and the dead letters and topics it works on.
import {
  committedOffsets,
  createTestTopic,
  partitionsWithOpenTransactions,
  sumOffsets,
  uniqueName,
} from '@login/kafka/testing';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { DLQ_HEADERS as H } from '@login/event-schema';
import { dlqHeaderValues } from './dlq-fixtures';
import { replayerEnv, type Topics } from './harness';

const root = path.resolve(__dirname, '../../../..');
const cli = path.join(root, 'dist/apps/dlq-replayer/main.js');

/** Builds the program the specs start (for a beforeAll: up to a few minutes on a busy machine). */
export function buildCli(): void {
  execFileSync('npx', ['nx', 'build', 'dlq-replayer'], {
    cwd: root,
    env: { ...process.env, NX_DAEMON: 'false' },
    stdio: 'ignore',
  });
}

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Run {
  readonly child: ChildProcess;
  readonly exit: Promise<Exit>;
  /** stderr so far (JSON log lines at LOG_LEVEL=info). */
  stderr(): string;
}

export function startCli(args: string[], env: Record<string, string>, logLevel = 'warn'): Run {
  const child = spawn(process.execPath, [cli, ...args], {
    cwd: root,
    env: { ...process.env, ...env, LOG_LEVEL: logLevel },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<Exit>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, exit, stderr: () => stderr };
}

/** Fresh topics (a DLQ of `partitions` partitions) and the environment that points the program at them. */
export async function setupTopics(partitions: number): Promise<{ t: Topics; env: Record<string, string> }> {
  const t = {
    input: await createTestTopic('cli-input'),
    dlq: await createTestTopic('cli-dlq', { partitions }),
    output: await createTestTopic('cli-output'),
    parked: await createTestTopic('cli-parked'),
    group: uniqueName('cli-group'),
  };
  return { t, env: replayerEnv(t) };
}

/** `n` retryable dead letters from `input`: keys `user-<i>`, event ids `event-<i>`, the reason `reason(i)`. */
export function deadLetters(input: string, n: number, reason: (i: number) => string) {
  return Array.from({ length: n }, (_, i) => ({
    key: `user-${i}`,
    value: `{"n":${i}}`,
    headers: dlqHeaderValues({
      [H.topic]: input,
      [H.eventId]: `event-${i}`,
      [H.reason]: reason(i),
      [H.retryable]: 'true',
    }),
  }));
}

export const keysOf = (records: readonly { key: Buffer | null }[]) => records.map((r) => r.key!.toString());

/** How far the replayer's group has committed in the DLQ, over all partitions. */
export const committedSum = async (t: Topics) => sumOffsets((await committedOffsets(t.group, t.dlq)).values());

/**
 * SIGKILLs `run` while one of its transactions is open in `topic`. Seeing one open is not enough (it may commit
 * before the kill lands), so the run is frozen first (SIGSTOP), given time for what it already sent to reach the
 * broker, and killed only if the transaction is still open then; otherwise it goes on (SIGCONT) and the watch
 * resumes. Returns how many freezes it took, or null when the run ended or 60 s passed without a kill.
 */
export async function killInTransaction(run: Run, topic: string): Promise<number | null> {
  const deadline = Date.now() + 60_000;
  const running = () => run.child.exitCode === null && run.child.signalCode === null;
  let freezes = 0;
  while (running() && Date.now() < deadline) {
    if ((await partitionsWithOpenTransactions(topic)).length === 0) continue;
    run.child.kill('SIGSTOP');
    freezes += 1;
    await new Promise((resolve) => setTimeout(resolve, 300));
    if ((await partitionsWithOpenTransactions(topic)).length > 0) {
      run.child.kill('SIGKILL');
      return freezes;
    }
    run.child.kill('SIGCONT');
  }
  return null;
}
