import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ReasonCode } from '@login/event-schema';
import { DEFAULT_PARSE_LIMITS, parseLoginEvent } from '@login/event-schema';
import {
  consumeUntil,
  createTestTopic,
  deleteTestTopics,
  freePort,
  recordCount,
  testBrokers,
} from '@login/kafka/testing';
import { generateMix, MIX } from './testing/generate-mix';
import type { RunSummary } from './core/summary';

// Built by the `integration` target's dependency on `build` (npx nx run generator:integration).
const MAIN = path.resolve(__dirname, '../../../dist/apps/generator/main.js');

interface Spawned {
  readonly stdout: () => string;
  readonly stderr: () => string;
  readonly kill: (signal: NodeJS.Signals) => void;
  readonly exited: Promise<number | null>;
}

function spawnGenerator(args: string[], env: Record<string, string> = {}): Spawned {
  const child = spawn(process.execPath, [MAIN, ...args], {
    env: { PATH: process.env['PATH'] ?? '', KAFKA_BROKERS: testBrokers().join(','), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.on('data', (c: Buffer) => err.push(c));
  return {
    stdout: () => Buffer.concat(out).toString('utf8'),
    stderr: () => Buffer.concat(err).toString('utf8'),
    kill: (signal) => child.kill(signal),
    exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))),
  };
}

async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // A probe that throws (topic not there yet, broker busy) means "not yet": poll again until the deadline.
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The JSON summary line on stdout (logs go to stderr). */
function summaryFrom(stdout: string): RunSummary {
  const line = stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .find((o) => 'stoppedBy' in o && !('level' in o));
  if (!line) throw new Error(`no JSON summary in:\n${stdout.slice(-2000)}`);
  return line as unknown as RunSummary;
}

describe('generator against a real broker', () => {
  afterAll(deleteTestTopics);

  it('--count 5000 --invalid-ratio 0.1 --seed 7 lands exactly 5000 records, with the reasons it reports', async () => {
    const topic = await createTestTopic('gen-mix', { partitions: 3 });
    const result = await generateMix(topic);
    expect(result.exitCode).toBe(0);
    const summary = result.summary!;
    expect(summary.produced).toBe(MIX.count);
    expect(summary.failed).toBe(0);

    expect(await recordCount(topic)).toBe(MIX.count);
    const records = await consumeUntil(topic, MIX.count, { timeoutMs: 60_000, settleMs: 1000 });
    expect(records).toHaveLength(MIX.count);

    // What the contract's parser says about each record is exactly the mix the generator reported.
    const nowMs = Date.now();
    const byReason: Partial<Record<ReasonCode, number>> = {};
    let valid = 0;
    for (const r of records) {
      const parsed = parseLoginEvent(r.value, { ...DEFAULT_PARSE_LIMITS, nowMs });
      if (parsed.ok) {
        valid += 1;
        expect(r.key?.toString('utf8')).toBe(parsed.event.user_id);
      } else {
        byReason[parsed.failure.reason] = (byReason[parsed.failure.reason] ?? 0) + 1;
      }
    }
    expect(valid).toBe(summary.valid);
    expect(byReason).toEqual(summary.invalidByReason);
    expect(summary.invalid / MIX.count).toBeGreaterThan(0.085);
    expect(summary.invalid / MIX.count).toBeLessThan(0.115);
    expect(Object.keys(summary.invalidByKind)).toHaveLength(14);
  });

  describe('the built program', () => {
    beforeAll(() => {
      if (!existsSync(MAIN))
        throw new Error(`${MAIN} is missing: run \`npx nx build generator\` (the integration target does)`);
    });

    it('--help exits 0 and lists the flags', async () => {
      const p = spawnGenerator(['--help']);
      expect(await p.exited).toBe(0);
      expect(p.stdout()).toContain('--invalid-ratio');
    });

    it('a wrong flag exits 2 with a message naming it', async () => {
      const p = spawnGenerator(['--count', '10', '--no-such-flag']);
      expect(await p.exited).toBe(2);
      expect(p.stderr()).toContain('unknown option --no-such-flag');
    });

    it('a bad value exits 2 naming the flag', async () => {
      const p = spawnGenerator(['--rate', 'fast']);
      expect(await p.exited).toBe(2);
      expect(p.stderr()).toContain('--rate / GENERATOR_RATE: must be a number');
    });

    it('serves metrics while running, and on SIGTERM flushes, summarises and exits 0', async () => {
      const topic = await createTestTopic('gen-sigterm', { partitions: 3 });
      const port = await freePort();
      const p = spawnGenerator(['--topic', topic, '--rate', '2000', '--invalid-ratio', '0.05', '--json'], {
        HTTP_PORT: String(port),
      });
      const metrics = await eventually(async () => {
        const res = await fetch(`http://127.0.0.1:${port}/metrics`);
        const text = await res.text();
        return /login_generator_events_produced_total\{kind="valid"\} [1-9]/.test(text) ? text : undefined;
      });
      expect(metrics).toContain('login_generator_batches_total');
      expect(metrics).toContain('login_generator_send_errors_total 0');
      expect(metrics).toContain('login_generator_rate_events_per_second');
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);

      p.kill('SIGTERM');
      expect(await p.exited).toBe(0);
      // stdout is data only: the --json summary, no log line.
      expect(p.stdout().trim().split('\n')).toHaveLength(1);
      expect(p.stderr()).toContain('"message":"generating"');
      const summary = summaryFrom(p.stdout());
      expect(summary.stoppedBy).toBe('signal');
      expect(summary.failed).toBe(0);
      expect(summary.produced).toBeGreaterThan(0);
      // Everything generated was flushed and acknowledged before exit.
      expect(summary.produced).toBe(summary.generated);
      expect(await recordCount(topic)).toBe(summary.produced);
    });

    it('exits 1 with a clear message when the topic does not exist', async () => {
      const p = spawnGenerator(['--topic', 'gen-no-such-topic-' + Date.now(), '--count', '10']);
      expect(await p.exited).toBe(1);
      expect(p.stderr()).toMatch(/is not available/);
      expect(p.stdout()).toBe('');
    });
  });
});
