import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePort, testBrokers, waitFor } from '@login/kafka/testing';
import { deployedRuntimeEnv } from './deployed-runtime';

const MAIN = path.resolve(__dirname, '../../../../dist/apps/processor/main.js');

/** The lineage key the test processor verifies with (LINEAGE_KEY), and its id (the default `k1`). */
export const TEST_LINEAGE_KEY = 'integration-test-lineage-key-0123456789abcdef';
export const TEST_LINEAGE_KEY_ID = 'k1';

export interface ProcessorOptions {
  readonly input: string;
  readonly output: string;
  readonly dlq: string;
  readonly group: string;
  readonly env?: Record<string, string>;
  readonly brokers?: string;
}

/** The built processor (`dist/apps/processor/main.js`) as a child process, with its log lines captured. */
export class ProcessorProcess {
  readonly logs: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
  ) {
    let partial = '';
    const collect = (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      this.logs.push(...lines.filter((l) => l.length > 0));
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    this.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  }

  static async start(options: ProcessorOptions): Promise<ProcessorProcess> {
    const port = await freePort();
    const child = spawn(process.execPath, [MAIN], {
      env: {
        PATH: process.env['PATH'] ?? '',
        ...deployedRuntimeEnv(),
        KAFKA_BROKERS: options.brokers ?? testBrokers().join(','),
        INPUT_TOPIC: options.input,
        OUTPUT_TOPIC: options.output,
        DLQ_TOPIC: options.dlq,
        CONSUMER_GROUP: options.group,
        MASKING_KEY: 'integration-test-masking-key-0123456789',
        LINEAGE_KEY: TEST_LINEAGE_KEY,
        HTTP_PORT: String(port),
        LOG_LEVEL: 'debug',
        SUMMARY_INTERVAL_MS: '1000',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // PROCESSOR_TEST_LOG_DIR keeps every test processor's whole log, for a soak run that failed.
    const logDir = process.env['PROCESSOR_TEST_LOG_DIR'];
    if (logDir) {
      const file = fs.createWriteStream(path.join(logDir, `${options.group}-${child.pid}.log`));
      child.stdout?.pipe(file);
      child.stderr?.pipe(file);
    }
    return new ProcessorProcess(child, port);
  }

  async readyz(): Promise<boolean | undefined> {
    try {
      const res = await fetch(`http://127.0.0.1:${this.port}/readyz`, { signal: AbortSignal.timeout(2000) });
      return res.status === 200;
    } catch {
      return undefined; // not listening (yet, or any more)
    }
  }

  /** Resolves when /readyz says 200, or rejects with the captured logs. */
  async waitReady(timeoutMs = 60_000): Promise<void> {
    await waitFor(
      () => `processor not ready:\n${this.logs.slice(-30).join('\n')}`,
      async () => (await this.readyz()) === true,
      timeoutMs,
    );
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Parsed JSON log entries. */
  entries(): Array<Record<string, unknown>> {
    return this.logs.flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  }
}

/** For afterEach: SIGKILLs every process in `running` that has not exited, waits for it, and empties the list. */
export async function killLeftovers(running: ProcessorProcess[]): Promise<ProcessorProcess[]> {
  const stopped = running.splice(0);
  for (const p of stopped) {
    if (p.child.exitCode === null && p.child.signalCode === null) {
      p.kill('SIGKILL');
      await p.exited;
    }
  }
  return stopped;
}
