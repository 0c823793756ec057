// What the batch consumer does on kafkajs's group events: the assignment it tracks (GROUP_JOIN, CRASH, DISCONNECT,
// STOP), the log of a rebalance, the fatal path of a crash kafkajs does not restart, and the commit past a fetch that
// held only control records (END_BATCH_PROCESS).
import type { Consumer } from 'kafkajs';
import { classifyError, describeError, KafkaAdapterError, toAdapterError } from '../errors';
import type { LoggerLike } from '../options';
import { offsetAfter } from '../records';
import type { PartitionTransactions } from './partition-transactions';
import type { ReadinessTracker } from './readiness';

export const tpKey = (topic: string, partition: number) => `${topic}/${partition}`;

/** The partitions this member owns in the current generation; empty while it is not in the group. */
export class Assignment {
  private readonly partitions = new Set<string>();

  replace(memberAssignment: Record<string, number[]>): void {
    this.partitions.clear();
    for (const [topic, partitions] of Object.entries(memberAssignment)) {
      for (const p of partitions) this.partitions.add(tpKey(topic, p));
    }
  }

  clear(): void {
    this.partitions.clear();
  }

  has(topic: string, partition: number): boolean {
    return this.partitions.has(tpKey(topic, partition));
  }
}

export interface GroupEventsDeps {
  readonly consumer: Consumer;
  readonly assignment: Assignment;
  readonly readiness: ReadinessTracker;
  readonly transactions: PartitionTransactions | undefined;
  readonly logger: LoggerLike;
  readonly groupId: string;
  readonly component: string;
  /** Whether stop() was called; `isFatal`, whether a non-retriable error stopped the consumer. */
  readonly isStopping: () => boolean;
  readonly isFatal: () => boolean;
  readonly fail: (error: KafkaAdapterError) => void;
  /** Commits `offset` for a partition whose fetch held no records (in a transaction of its own for exactly_once). */
  readonly commitPastControlRecords: (topic: string, partition: number, offset: string) => Promise<void>;
}

/** `topic:0,1 other:2`, partitions sorted: the assignment as one log field. */
function describeAssignment(memberAssignment: Record<string, number[]>): string {
  return Object.entries(memberAssignment)
    .map(([t, ps]) => `${t}:${[...ps].sort((a, b) => a - b).join(',')}`)
    .join(' ');
}

export function onGroupEvents(deps: GroupEventsDeps): void {
  const { consumer } = deps;
  consumer.on(consumer.events.GROUP_JOIN, (event) => onGroupJoin(deps, event.payload));
  consumer.on(consumer.events.CRASH, (event) => onCrash(deps, event.payload));
  for (const name of [consumer.events.DISCONNECT, consumer.events.STOP] as const) {
    consumer.on(name, () => {
      deps.assignment.clear();
      deps.readiness.setJoined(false);
    });
  }
  consumer.on(consumer.events.REBALANCING, () =>
    deps.logger.info('consumer group rebalancing', { component: deps.component, groupId: deps.groupId }),
  );
  consumer.on(consumer.events.END_BATCH_PROCESS, (event) => onEndBatchProcess(deps, event.payload));
}

function onGroupJoin(
  deps: GroupEventsDeps,
  payload: { memberId: string; memberAssignment: Record<string, number[]> },
): void {
  const { assignment, readiness, logger, component, groupId } = deps;
  assignment.replace(payload.memberAssignment);
  logger.info('joined consumer group', {
    component,
    groupId,
    memberId: payload.memberId,
    assignment: describeAssignment(payload.memberAssignment),
  });
  readiness.assigned((topic, partition) => assignment.has(topic, partition));
  readiness.setJoined(true);
  // Every producer starts anew in the new generation: a revoked partition's transactional id is its new owner's,
  // and a kept partition's producer may have been fenced by an owner in between (PartitionTransactions.assigned).
  deps.transactions?.assigned().catch((err: unknown) =>
    logger.debug('closing the producers of the last generation failed', {
      component,
      groupId,
      ...describeError(err),
    }),
  );
}

function onCrash(deps: GroupEventsDeps, payload: { error: Error; restart: boolean }): void {
  const { error, restart } = payload;
  deps.assignment.clear();
  deps.logger.warn(restart ? 'consumer crashed; kafkajs restarts it' : 'consumer crashed', {
    component: deps.component,
    groupId: deps.groupId,
    restart,
    code: classifyError(error).code,
    ...describeError(error),
  });
  deps.readiness.setJoined(false);
  if (!restart && !deps.isStopping()) {
    const cause = toAdapterError(error, 'consumer crashed');
    deps.fail(new KafkaAdapterError(cause.message, { code: cause.code, canRetry: false, cause: error }));
  }
}

// A fetch that held only control records (transaction markers) or aborted records reaches no eachBatch: kafkajs
// moves its position past them but, with auto-commit off, commits nothing. Commit that position too, or the lag of
// a partition whose last record is a transaction marker never reaches 0.
function onEndBatchProcess(
  deps: GroupEventsDeps,
  payload: { topic: string; partition: number; batchSize: number; lastOffset: string },
): void {
  const { topic, partition, batchSize, lastOffset } = payload;
  if (batchSize !== 0 || deps.isStopping() || deps.isFatal() || !deps.assignment.has(topic, partition)) return;
  deps.commitPastControlRecords(topic, partition, offsetAfter(lastOffset)).catch((err: unknown) =>
    // Harmless: the next batch of this partition commits past these offsets anyway.
    deps.logger.debug('commit past control records failed', {
      component: deps.component,
      groupId: deps.groupId,
      topic,
      partition,
      code: classifyError(err).code,
    }),
  );
}
