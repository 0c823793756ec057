// How the built processor starts on a misconfigured or development setup: clear one-line errors with exit code 2
// (like every other configuration error) instead of a stack trace, and a loud warning for the development key.
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { createTestTopic, deleteTestTopics, uniqueName, waitFor } from '@login/kafka/testing';
import { killLeftovers, ProcessorProcess } from './testing/processor-process';

const running: ProcessorProcess[] = [];
afterEach(() => killLeftovers(running));
afterAll(deleteTestTopics);

async function topics() {
  return {
    input: await createTestTopic('start-in'),
    output: await createTestTopic('start-out'),
    dlq: await createTestTopic('start-dlq'),
    group: uniqueName('start'),
  };
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '0.0.0.0', () => resolve((server.address() as { port: number }).port)),
  );
}

describe('processor start-up', () => {
  it('exits 2 with one clear line, no stack trace, when HTTP_PORT is taken', async () => {
    const blocker = createServer();
    const port = await listen(blocker);
    try {
      const processor = await ProcessorProcess.start({ ...(await topics()), env: { HTTP_PORT: String(port) } });
      running.push(processor);
      expect(await processor.exited).toEqual({ code: 2, signal: null });
      const errors = processor.entries().filter((e) => e['level'] === 'error');
      expect(errors.map((e) => e['message'])).toEqual([
        `HTTP_PORT: port ${port} is already in use by another process; stop it or choose another port`,
      ]);
      expect(processor.logs.join('\n')).not.toMatch(/\n\s+at |EADDRINUSE.*\n.*at /);
    } finally {
      blocker.close();
    }
  });

  it('refuses SASL PLAIN without TLS (exit 2) unless KAFKA_SASL_ALLOW_PLAINTEXT=true', async () => {
    const sasl = {
      KAFKA_SASL_MECHANISM: 'plain',
      KAFKA_SASL_USERNAME: 'alice',
      KAFKA_SASL_PASSWORD: 'not-a-real-password',
    };
    const processor = await ProcessorProcess.start({ ...(await topics()), env: sasl });
    running.push(processor);
    expect(await processor.exited).toEqual({ code: 2, signal: null });
    const output = processor.logs.join('\n');
    expect(output).toContain(
      'KAFKA_SASL_MECHANISM: plain without KAFKA_SSL=true would send the password in clear text',
    );
    expect(output).not.toContain('not-a-real-password');
  });

  it("assumes the broker default limit, with a warning, when the DLQ topic's max.message.bytes cannot be read", async () => {
    const processor = await ProcessorProcess.start({ ...(await topics()), dlq: uniqueName('no-such-dlq') });
    running.push(processor);
    await processor.waitReady();
    const warning = processor
      .entries()
      .find((e) => e['level'] === 'warn' && String(e['message']).includes('max.message.bytes'));
    expect(warning).toMatchObject({ assumedMaxMessageBytes: 1_048_588 });
  });

  it('warns at start that a key with id "dev" is a development key', async () => {
    const processor = await ProcessorProcess.start({ ...(await topics()), env: { MASKING_KEY_ID: 'dev' } });
    running.push(processor);
    await waitFor(
      () => `no development key warning:\n${processor.logs.slice(-10).join('\n')}`,
      () => processor.entries().some((e) => e['level'] === 'warn' && String(e['message']).includes('DEVELOPMENT key')),
      30_000,
    );
  });
});
