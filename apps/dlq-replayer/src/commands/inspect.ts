import type { KafkaClient, LoggerLike } from '@login/kafka';
import type { InspectConfig } from '../config';
import { formatInspect, InspectAggregator, type InspectSummary } from '../core/inspect';
import { captureRanges, readBounded, remaining, type PartitionRange } from '../adapters/dlq-reader';

export interface InspectDeps {
  readonly client: KafkaClient;
  readonly logger: LoggerLike;
  readonly stdout: { write(text: string): unknown };
  readonly runId: string;
}

export interface InspectResult {
  readonly topic: string;
  readonly partitions: { partition: number; start: string; end: string }[];
  readonly summary: InspectSummary;
}

/**
 * Summarises the DLQ from its log start to the end offsets captured now. Nothing is committed anywhere: the read
 * never commits an offset, in the replayer's group or any other.
 */
export async function runInspect(config: InspectConfig, deps: InspectDeps): Promise<InspectResult> {
  const admin = deps.client.admin();
  await admin.connect();
  let ranges: PartitionRange[];
  try {
    ranges = await captureRanges(admin, config.dlqTopic);
  } finally {
    await admin.disconnect();
  }
  const aggregator = new InspectAggregator({ sample: config.sample, showValues: config.showValues, selection: config.selection });
  if (remaining(ranges) > 0) {
    const read = readBounded({
      client: deps.client,
      logger: deps.logger,
      topic: config.dlqTopic,
      ranges,
      mode: 'no-commit',
      maxRecordsPerChunk: 1000,
      transform: async (records) => {
        for (const r of records) aggregator.add(r);
        return [];
      },
    });
    await read.done;
  }
  const result: InspectResult = {
    topic: config.dlqTopic,
    partitions: ranges.map((r) => ({ partition: r.partition, start: r.start.toString(), end: r.end.toString() })),
    summary: aggregator.summary(),
  };
  deps.stdout.write(config.json ? `${JSON.stringify(result, null, 2)}\n` : formatInspect(config.dlqTopic, result.summary));
  return result;
}
