// The run both generator integration specs start from: a seeded mix whose invalid records and their reasons are
// known, produced at full speed through the real CLI entry point.
import { PassThrough, type Writable } from 'node:stream';
import { testBrokers } from '@login/kafka/testing';
import { runCli } from '../app';

export const MIX = { count: 5000, invalidRatio: 0.1, seed: 7 } as const;

/** `--count 5000 --invalid-ratio 0.1 --seed 7 --rate 0` to `topic`; the summary goes to `stdout`. */
export function generateMix(topic: string, stdout: Writable = new PassThrough().resume()) {
  return runCli({
    argv: [
      '--topic',
      topic,
      '--count',
      String(MIX.count),
      '--invalid-ratio',
      String(MIX.invalidRatio),
      '--seed',
      String(MIX.seed),
      '--rate',
      '0',
      '--progress',
      'off',
    ],
    env: { KAFKA_BROKERS: testBrokers().join(','), LOG_LEVEL: 'warn' },
    stdout,
    stderr: new PassThrough().resume(),
    signal: new AbortController().signal,
  });
}
