import type { KafkaClient, LoggerLike } from '@login/kafka';
import { kafkaSecurity } from '@login/config';
import type { InspectConfig } from '../config';
import { formatInspect, InspectAggregator, type InspectResult } from '../core/inspect';
import { captureRanges, remaining, type PartitionRange } from '../adapters/dlq-reader';
import type { Progress } from '../adapters/progress';

export interface InspectDeps {
  readonly client: KafkaClient;
  readonly logger: LoggerLike;
  readonly stdout: { write(text: string): unknown };
  readonly runId: string;
  /** Aborted on SIGINT/SIGTERM: the read stops, and the summary of what was read is printed as interrupted. */
  readonly signal?: AbortSignal;
  readonly progress?: (total: number) => Progress;
}

/**
 * Summarises the DLQ from its log start to the end offsets captured now. Reads without any consumer group and
 * commits nothing anywhere; memory is bounded by one round of fetches and the summary's bounded counts.
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
  const aggregator = new InspectAggregator({
    sample: config.sample,
    showValues: config.showValues,
    selection: config.selection,
  });
  const total = remaining(ranges);
  deps.logger.info('reading the DLQ up to the end offsets captured at start', {
    component: 'inspect',
    topic: config.dlqTopic,
    records: total,
    kafkaSecurity: kafkaSecurity(config.kafka),
  });
  const progress = deps.progress?.(total);
  let done = 0;
  const result = await deps.client
    .readPartitions({
      logger: deps.logger,
      topic: config.dlqTopic,
      ranges,
      ...(deps.signal ? { signal: deps.signal } : {}),
      maxRecordsPerBatch: 1000,
      onBatch: (records) => {
        for (const r of records) aggregator.add(r);
        done += records.length;
        progress?.update(done);
      },
    })
    .finally(() => progress?.finish());
  const summary = aggregator.summary();
  const found = new Map(summary.partitions.map((p) => [p.partition, p]));
  const inspected: InspectResult = {
    topic: config.dlqTopic,
    outcome: result.complete ? 'complete' : 'interrupted',
    partitions: ranges.map((r) => ({
      partition: r.partition,
      start: r.start.toString(),
      end: r.end.toString(),
      records: found.get(r.partition)?.records ?? 0,
      bytes: found.get(r.partition)?.bytes ?? 0,
    })),
    summary,
  };
  deps.stdout.write(config.json ? `${JSON.stringify(inspected, null, 2)}\n` : formatInspect(inspected));
  return inspected;
}
