// Runs the replayer's commands in-process against a real broker, configured exactly as the CLI would be.
import type { KafkaClient, LoggerLike } from '@login/kafka';
import { testBrokers, uniqueName } from '@login/kafka/testing';
import { runInspect } from '../adapters/inspect';
import { runReplay, type ReplayDeps } from '../adapters/replay';
import { parseCommandLine, type InspectConfig, type ReplayConfig } from '../config';
import type { InspectResult } from '../core/inspect';
import type { ReplayReport } from '../core/report';
import type { ReplayerMetrics } from '@login/observability';

export interface Topics {
  readonly input: string;
  readonly dlq: string;
  readonly output: string;
  readonly parked: string;
  readonly group: string;
}

/** The lineage key of the replayer's tests, and of the processor they start: it must verify what they sign. */
export const TEST_LINEAGE_KEY = 'replayer-e2e-lineage-key-0123456789abcdef';

export function replayerEnv(t: Topics): Record<string, string> {
  return {
    LINEAGE_KEY: TEST_LINEAGE_KEY,
    KAFKA_BROKERS: testBrokers().join(','),
    INPUT_TOPIC: t.input,
    DLQ_TOPIC: t.dlq,
    OUTPUT_TOPIC: t.output,
    PARKED_TOPIC: t.parked,
    REPLAYER_GROUP: t.group,
  };
}

export function configFor<C extends InspectConfig | ReplayConfig>(t: Topics, argv: string[]): C {
  const parsed = parseCommandLine(argv, replayerEnv(t));
  if (parsed.kind !== 'ok') throw new Error(`bad test arguments: ${JSON.stringify(parsed)}`);
  return parsed.config as C;
}

export function collector(): { chunks: string[]; write(s: string): void } {
  const chunks: string[] = [];
  return { chunks, write: (s: string) => void chunks.push(s) };
}

/** What a test replay runs with: no terminal, no interrupts, no files. */
export function testReplayDeps(
  client: KafkaClient,
  logger: LoggerLike,
  stdout: ReplayDeps['stdout'] = collector(),
): ReplayDeps {
  return {
    client,
    logger,
    stdout,
    runId: uniqueName('run'),
    now: Date.now,
    progress: () => ({ update: () => undefined, finish: () => undefined }),
    signal: new AbortController().signal,
    writeFile: async () => undefined,
  };
}

export async function replayIn(
  client: KafkaClient,
  logger: LoggerLike,
  t: Topics,
  argv: string[] = [],
  metrics?: ReplayerMetrics,
): Promise<ReplayReport> {
  const { report } = await runReplay(configFor<ReplayConfig>(t, ['replay', ...argv]), {
    ...testReplayDeps(client, logger),
    ...(metrics ? { metrics } : {}),
  });
  return report;
}

export async function inspectIn(
  client: KafkaClient,
  logger: LoggerLike,
  t: Topics,
  argv: string[] = [],
): Promise<InspectResult> {
  return runInspect(configFor<InspectConfig>(t, ['inspect', ...argv]), {
    client,
    logger,
    stdout: collector(),
    runId: uniqueName('inspect'),
  });
}
