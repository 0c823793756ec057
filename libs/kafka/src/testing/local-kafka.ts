import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const tool = path.resolve(__dirname, '../../../../tools/kafka/kafka.mjs');

export interface LeaseResult {
  readonly bootstrap: string;
  readonly started: boolean;
}

/** Starts (or joins) the tools/kafka broker and registers this process as a user of it. */
export async function leaseLocalKafka(holder: number): Promise<LeaseResult> {
  const { stdout } = await run(process.execPath, [tool, 'lease', '--holder', String(holder), '--json'], {
    maxBuffer: 10 * 1024 * 1024,
    timeout: 300_000,
  });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as LeaseResult;
}

/** Drops the lease; the tool stops the broker when a lease started it and nobody else holds one. */
export async function releaseLocalKafka(holder: number): Promise<void> {
  await run(process.execPath, [tool, 'release', '--holder', String(holder), '--json'], { timeout: 120_000 });
}

/** True when a Kafka broker answers at `brokers` within a few seconds: tools/kafka's probe, the repository's only one. */
export async function brokerAnswers(brokers: string): Promise<boolean> {
  try {
    await run(process.execPath, [tool, 'probe', brokers], { timeout: 30_000 });
    return true;
  } catch {
    return false; // `probe` exits 1 when no broker answers
  }
}

/** The bootstrap address of the tools/kafka cluster when it is running, otherwise undefined. */
export async function localKafkaRunning(): Promise<string | undefined> {
  try {
    const { stdout } = await run(process.execPath, [tool, 'status', '--json'], { timeout: 30_000 });
    const status = JSON.parse(stdout) as { running: boolean; bootstrap?: string };
    return status.running ? status.bootstrap : undefined;
  } catch {
    return undefined; // `status` exits 1 when nothing runs
  }
}
