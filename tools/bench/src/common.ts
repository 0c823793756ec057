// What the benchmark's child processes share: the quiet logger, IPC to the parent, the command dispatcher.
import { DEFAULT_RECORD_LIMITS, lineageKeyring } from '@login/event-schema';
import { createKafkaClient, type KafkaClient, type LoggerLike } from '@login/kafka';
import { createMasker } from '@login/masking';
import type { ProcessDeps } from '../../../apps/processor/src';

export type Json = Record<string, unknown>;

const MASKING_KEY = { id: 'bench', secret: 'benchmark-masking-key-not-a-secret-0123456789' };
const LINEAGE_KEY = { id: 'bench', secret: Buffer.from('benchmark-lineage-key-not-a-secret-0123456789') };

/**
 * The processor core's dependencies as the app runs them (its defaults: record limits, the DLQ's
 * max.message.bytes, truncated IPs), for every bench worker that runs processBatch.
 */
export function benchProcessDeps(topics: { output: string; dlq: string; group: string }): Omit<ProcessDeps, 'nowMs'> {
  return {
    masker: createMasker({ key: MASKING_KEY, ipStrategy: 'truncate' }),
    maxValueBytes: 65_536,
    maxClockSkewMs: 300_000,
    recordLimits: DEFAULT_RECORD_LIMITS,
    dlqMaxMessageBytes: 2_097_152,
    outputTopic: topics.output,
    dlqTopic: topics.dlq,
    group: topics.group,
    processor: 'processor@bench bench-1',
    lineageKeys: lineageKeyring(LINEAGE_KEY),
  };
}

/** Warnings and errors go to stderr (the parent shows them when a run fails); routine lines are dropped. */
export const logger: LoggerLike = {
  error: (m, meta) => process.stderr.write(`[error] ${m} ${meta ? JSON.stringify(meta) : ''}\n`),
  warn: (m, meta) => process.stderr.write(`[warn] ${m} ${meta ? JSON.stringify(meta) : ''}\n`),
  info: () => undefined,
  debug: () => undefined,
};

export function send(message: Json): void {
  if (process.send) process.send(message);
  else process.stdout.write(`${JSON.stringify(message)}\n`);
}

/** Resolves once the message has left the process (before an exit). */
function sendAndFlush(message: Json): Promise<void> {
  return new Promise((resolve) => {
    if (process.send) process.send(message, () => resolve());
    else process.stdout.write(`${JSON.stringify(message)}\n`, () => resolve());
  });
}

export function clientFor(brokers: string[], clientId: string): KafkaClient {
  return createKafkaClient({ brokers, clientId, logLevel: 'warn' }, logger);
}

/** Runs `argv[2]` with the JSON options of `argv[3]`, reports { type: 'done', result } and exits. */
export function runCommand(handlers: Record<string, (options: never) => Json | Promise<Json>>): void {
  const [command = '', raw] = process.argv.slice(2);
  const handler = handlers[command];
  (async () => {
    if (!handler) throw new Error(`unknown command ${command}; known: ${Object.keys(handlers).join(', ')}`);
    const result = await handler(JSON.parse(raw ?? '{}') as never);
    await sendAndFlush({ type: 'done', result });
    // Kafka clients may keep sockets or timers for a moment after disconnect: leave now that the result is out.
    process.exit(0);
  })().catch((err: unknown) => {
    process.stderr.write(`worker failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    void sendAndFlush({ type: 'error', message: err instanceof Error ? err.message : String(err) }).finally(() =>
      process.exit(1),
    );
  });
}
