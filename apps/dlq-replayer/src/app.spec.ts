import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import type { ProcessContext } from '@login/observability';
import { runCli } from './app';

// The status server starts before any Kafka connection, so a taken port is answered without a broker.
const NO_BROKER = '127.0.0.1:1';
const LINEAGE_KEY = 'replayer-app-test-lineage-key-0123456789';

const context: ProcessContext = { stop: new AbortController().signal, onStopSignals: () => () => undefined };

/** A server holding a port for the whole test, so nothing else can take it in between. */
async function occupy(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

describe('dlq-replayer with a taken --http-port', () => {
  let held: { server: Server; port: number };
  let stderr: string[];

  beforeEach(async () => {
    held = await occupy();
    stderr = [];
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr.push(String(chunk));
      return true;
    });
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await new Promise((resolve) => held.server.close(resolve));
  });

  it.each(['inspect', 'replay'])('%s exits 2 with one line naming the port and its setting', async (command) => {
    const env = { HTTP_HOST: '127.0.0.1', KAFKA_BROKERS: NO_BROKER, LINEAGE_KEY };
    const code = await runCli([command, '--http-port', String(held.port)], env, context);
    expect(code).toBe(2);
    const output = stderr.join('');
    const errors = output.split('\n').filter((line) => line.includes('"level":"error"'));
    expect(errors).toHaveLength(1);
    expect(JSON.parse(errors[0] ?? '{}')).toMatchObject({
      message: `--http-port / HTTP_PORT: port ${held.port} is already in use by another process; stop it or choose another port`,
      port: held.port,
    });
    expect(output).not.toMatch(/\n\s+at |"stack"|unexpected error|failed/);
  });
});
