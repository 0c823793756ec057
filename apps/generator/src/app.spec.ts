import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { DEFAULT_PARSE_LIMITS, parseLoginEvent } from '@login/event-schema';
import { runCli } from './app';

function io(argv: string[], env: Record<string, string> = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  const controller = new AbortController();
  return {
    controller,
    run: () => runCli({ argv, env, stdout, stderr, signal: controller.signal }),
    stdout: () => Buffer.concat(out).toString('utf8'),
    stderr: () => Buffer.concat(err).toString('utf8'),
  };
}

/** A port free a moment ago (the generator treats HTTP_PORT=0 as "no server"). */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

describe('generator CLI (in-process)', () => {
  it('prints the help and exits 0', async () => {
    const cli = io(['--help']);
    expect((await cli.run()).exitCode).toBe(0);
    expect(cli.stdout()).toMatch(/^Usage: generator \[options\]/);
    expect(cli.stdout()).toContain('GENERATOR_INVALID_RATIO');
  });

  it('prints its version and exits 0', async () => {
    const cli = io(['--version', '--rate', 'not-checked']);
    expect((await cli.run()).exitCode).toBe(0);
    expect(cli.stdout()).toMatch(/^generator \d+\.\d+\.\d+\n$/);
    expect(cli.stderr()).toBe('');
  });

  it('exits 2 naming an unknown flag', async () => {
    const cli = io(['--frobnicate']);
    expect((await cli.run()).exitCode).toBe(2);
    expect(cli.stderr()).toBe('generator: unknown option --frobnicate (see --help)\n');
  });

  it('exits 2 naming a bad value and its variable', async () => {
    const cli = io(['--invalid-ratio', '2'], { GENERATOR_BATCH_SIZE: 'lots' });
    expect((await cli.run()).exitCode).toBe(2);
    expect(cli.stderr()).toContain(
      '--invalid-ratio / GENERATOR_INVALID_RATIO: must be a number between 0 and 1 (got "2")',
    );
    expect(cli.stderr()).toContain('--batch-size / GENERATOR_BATCH_SIZE: must be an integer');
  });

  it('serves its status server on HTTP_HOST and logs where', async () => {
    const cli = io(['--dry-run', '--count', '1', '--progress', 'off', '--http-port', String(await freePort())], {
      HTTP_HOST: '127.0.0.1',
    });
    expect((await cli.run()).exitCode).toBe(0);
    expect(cli.stderr()).toMatch(/status server listening.*"host":"127\.0\.0\.1"/);
    // A dry run connects to no broker, so it names no Kafka security.
    expect(cli.stderr()).toContain('"kafkaSecurity":null');
  });

  it('exits 2 with one line naming the port and its setting when --http-port is taken', async () => {
    // Held open for the whole run, so no other process can take the port in between.
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      const cli = io(['--dry-run', '--count', '1', '--progress', 'off', '--http-port', String(port)], {
        HTTP_HOST: '127.0.0.1',
      });
      expect((await cli.run()).exitCode).toBe(2);
      const errors = cli
        .stderr()
        .split('\n')
        .filter((line) => line.includes('"level":"error"'));
      expect(errors).toHaveLength(1);
      expect(JSON.parse(errors[0] ?? '{}')).toMatchObject({
        message: `--http-port / HTTP_PORT: port ${port} is already in use by another process; stop it or choose another port`,
        port,
      });
      expect(cli.stderr()).not.toContain('generator failed');
      expect(cli.stderr()).not.toMatch(/\n\s+at |"stack"/);
      expect(cli.stdout()).toBe('');
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('dry run: prints one JSON line per record on stdout, logs and summary on stderr', async () => {
    const cli = io([
      '--dry-run',
      '--count',
      '300',
      '--rate',
      '0',
      '--seed',
      '7',
      '--invalid-ratio',
      '0.3',
      '--json',
      '--progress',
      'off',
    ]);
    const result = await cli.run();
    expect(result.exitCode).toBe(0);
    const lines = cli
      .stdout()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(300);
    const now = Date.now();
    for (const line of lines) {
      const bytes =
        line['value_base64'] !== undefined
          ? Buffer.from(String(line['value_base64']), 'base64')
          : line['value'] === null
            ? null
            : Buffer.from(line['kind'] === 'valid' ? JSON.stringify(line['value']) : String(line['value']), 'utf8');
      const parsed = parseLoginEvent(bytes, { ...DEFAULT_PARSE_LIMITS, nowMs: now });
      expect(parsed.ok ? null : parsed.failure.reason).toBe(line['kind'] === 'valid' ? null : line['expected_reason']);
    }
    const summaryLine = cli.stderr().trim().split('\n').pop()!;
    const summary = JSON.parse(summaryLine) as { produced: number; invalid: number };
    expect(summary.produced).toBe(300);
    expect(summary.invalid).toBe(lines.filter((l) => l['kind'] !== 'valid').length);
    expect(result.summary?.seed).toBe(7);
  });

  it('stops on the abort signal, flushes and exits 0', async () => {
    const cli = io(['--dry-run', '--rate', '200', '--progress', 'off']);
    const running = cli.run();
    await new Promise((r) => setTimeout(r, 300));
    cli.controller.abort();
    const result = await running;
    expect(result.exitCode).toBe(0);
    expect(result.summary?.stoppedBy).toBe('signal');
    expect(cli.stdout().trim().split('\n')).toHaveLength(result.summary!.produced);
  });
});
