// The built processor (dist/apps/processor/main.js) as a child process, for the end-to-end legs of the replayer's
// tests: processor → DLQ → replayer → processor again.
import { freePort, testBrokers } from '@login/kafka/testing';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { TEST_LINEAGE_KEY } from './harness';

export const PROCESSOR_MAIN = path.resolve(__dirname, '../../../../dist/apps/processor/main.js');

export interface RunningProcessor {
  readonly logs: string[];
  stop(): Promise<void>;
}

export async function startProcessor(options: {
  input: string;
  output: string;
  dlq: string;
  group: string;
  maxClockSkewMs?: number;
}): Promise<RunningProcessor> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [PROCESSOR_MAIN], {
    env: {
      PATH: process.env['PATH'] ?? '',
      KAFKA_BROKERS: testBrokers().join(','),
      INPUT_TOPIC: options.input,
      OUTPUT_TOPIC: options.output,
      DLQ_TOPIC: options.dlq,
      CONSUMER_GROUP: options.group,
      MASKING_KEY: 'replayer-e2e-masking-key-0123456789abcdef',
      LINEAGE_KEY: TEST_LINEAGE_KEY,
      HTTP_PORT: String(port),
      LOG_LEVEL: 'warn',
      ...(options.maxClockSkewMs !== undefined ? { MAX_CLOCK_SKEW_MS: String(options.maxClockSkewMs) } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  child.stdout?.on('data', (d: Buffer) => logs.push(d.toString()));
  child.stderr?.on('data', (d: Buffer) => logs.push(d.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(1000) }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ready) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`processor did not become ready:\n${logs.join('').slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    logs,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
