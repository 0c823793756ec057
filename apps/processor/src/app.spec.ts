import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { loadConfig } from '@login/config';
import type { ProcessContext } from '@login/observability';
import { run } from './app';
import { processorConfigSpec } from './config';

// The HTTP server starts before the consumer connects, so a taken port is answered without a broker.
const env = {
  KAFKA_BROKERS: '127.0.0.1:1',
  HTTP_HOST: '127.0.0.1',
  MASKING_KEY: 'processor-app-test-masking-key-0123456789',
  MASKING_KEY_ID: 'test',
  LINEAGE_KEY: 'processor-app-test-lineage-key-0123456789',
};
const context: ProcessContext = { stop: new AbortController().signal, onStopSignals: () => () => undefined };

describe('processor with a taken HTTP_PORT', () => {
  let blocker: Server;
  let output: string[];

  beforeEach(async () => {
    // Held for the whole test, so nothing else can take the port in between.
    blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    output = [];
    const capture = (chunk: string | Uint8Array) => {
      output.push(String(chunk));
      return true;
    };
    jest.spyOn(process.stdout, 'write').mockImplementation(capture);
    jest.spyOn(process.stderr, 'write').mockImplementation(capture);
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await new Promise((resolve) => blocker.close(resolve));
  });

  it('exits 2 with one error line naming the port and HTTP_PORT', async () => {
    const { port } = blocker.address() as AddressInfo;
    const code = await run(loadConfig(processorConfigSpec, { ...env, HTTP_PORT: String(port) }), context);
    expect(code).toBe(2);
    const errors = output
      .join('')
      .split('\n')
      .filter((line) => line.includes('"level":"error"'));
    expect(errors).toHaveLength(1);
    expect(JSON.parse(errors[0] ?? '{}')).toMatchObject({
      message: `HTTP_PORT: port ${port} is already in use by another process; stop it or choose another port`,
      port,
    });
    expect(output.join('')).not.toMatch(/\n\s+at |"stack"/);
  });
});
