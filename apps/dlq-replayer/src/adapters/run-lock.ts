// One replay at a time per consumer group, with nothing but a producer and end offsets (what @login/kafka offers):
// a running replay appends a heartbeat record to a lock topic every `heartbeatMs`; a new replay first watches
// that topic's end offset for `observeMs` and refuses when it moves. After taking the lock it checks once more
// that the topic grew only by its own heartbeats, so two replays started in the same instant both refuse rather
// than both run. A SIGKILLed replay stops heartbeating, so its lock expires by itself: no stale lock to clear.
// libs/kafka's describeGroup does not replace this: a killed run's member stays in the group until its session
// expires (a restarted Job would be refused meanwhile), and two runs starting at once would both see it empty.
import type { AdminClient, LoggerLike, RecordProducer } from '@login/kafka';
import { hostname } from 'node:os';

export interface RunLockOptions {
  readonly admin: AdminClient;
  readonly producer: RecordProducer;
  readonly logger: LoggerLike;
  readonly lockTopic: string;
  readonly group: string;
  readonly runId: string;
  readonly heartbeatMs?: number;
  readonly observeMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface RunLock {
  release(): Promise<void>;
}

export class LockRefused extends Error {
  override readonly name = 'LockRefused';
}

/** A topic name for the lock of `group`: group ids may hold characters topic names may not. */
export function lockTopicFor(group: string): string {
  return `${group.replace(/[^a-zA-Z0-9._-]/g, '_')}.replay-lock`.slice(0, 249);
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function endOffset(admin: AdminClient, topic: string): Promise<bigint> {
  const ends = await admin.topicEndOffsets(topic);
  return ends.get(0) ?? 0n;
}

export async function acquireRunLock(options: RunLockOptions): Promise<RunLock> {
  const { admin, producer, logger, lockTopic, group, runId } = options;
  const heartbeatMs = options.heartbeatMs ?? 500;
  const observeMs = options.observeMs ?? 2_000;
  const sleep = options.sleep ?? defaultSleep;
  const refusal = (how: string) =>
    new LockRefused(
      `another replay is running on consumer group "${group}" (${how} on lock topic ${lockTopic}); ` +
        'wait for it to finish, or use another --group for an independent selection',
    );

  // Short retention: the topic only ever needs the last few seconds of heartbeats.
  await admin.ensureTopics([{ topic: lockTopic, partitions: 1, config: { 'retention.ms': '3600000', 'cleanup.policy': 'delete' } }]);
  const before = await endOffset(admin, lockTopic);
  await sleep(observeMs);
  const after = await endOffset(admin, lockTopic);
  if (after > before) throw refusal(`${after - before} heartbeat(s) in ${observeMs} ms`);

  let beats = 0n;
  const beat = async () => {
    await producer.send([
      {
        topic: lockTopic,
        partition: 0,
        key: group,
        value: JSON.stringify({ group, runId, host: hostname(), pid: process.pid, at: new Date().toISOString() }),
      },
    ]);
    beats += 1n;
  };
  let timer: NodeJS.Timeout | undefined;
  const stopBeating = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
  };
  try {
    const start = await endOffset(admin, lockTopic);
    await beat();
    timer = setInterval(() => {
      beat().catch((error: unknown) =>
        logger.warn('run lock heartbeat failed', { component: 'run-lock', lockTopic, error: String(error) }),
      );
    }, heartbeatMs);
    timer.unref();
    await sleep(observeMs);
    // Read our own count first: every beat counted here is already in the log when the end offset is read.
    const ours = beats;
    const now = await endOffset(admin, lockTopic);
    if (now - start > ours + 1n) throw refusal(`${now - start - ours} heartbeat(s) of another run while starting`);
  } catch (error) {
    stopBeating();
    throw error;
  }
  logger.info('run lock taken', { component: 'run-lock', group, lockTopic, runId });
  return {
    async release() {
      stopBeating();
    },
  };
}
