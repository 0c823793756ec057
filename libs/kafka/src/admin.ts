// Admin helpers: topics that must exist, watermarks, committed offsets, lag and group descriptions, in our types.
import { ConfigResourceTypes, type Admin, type ITopicConfig, type Kafka } from 'kafkajs';
import { backoffDelay, type RetryPolicy } from './backoff';
import { STALE_LEADERSHIP_CODES, toAdapterError } from './errors';
import { pinnedRetry } from './kafkajs-retry';
import { invalid } from './option-schema';

export interface TopicSpec {
  readonly topic: string;
  readonly partitions: number;
  /** Default: the broker's default.replication.factor. */
  readonly replicationFactor?: number;
  /** Topic configs, e.g. { 'retention.ms': '604800000' }. */
  readonly config?: Readonly<Record<string, string>>;
}

export interface PartitionLag {
  readonly partition: number;
  /** Next offset the group will read; null when the group never committed on this partition. */
  readonly committed: bigint | null;
  /** High watermark: offset of the next record to be written. */
  readonly end: bigint;
  readonly lag: bigint;
}

export interface PartitionOffsets {
  readonly partition: number;
  /** Low watermark: offset of the oldest retained record (the log start). */
  readonly low: bigint;
  /** High watermark: offset of the next record to be written; low = high means the partition is empty. */
  readonly high: bigint;
}

export interface AdminClient {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  /** Creates the topics that do not exist yet (safe to rerun); resolves with the names it created. */
  ensureTopics(topics: readonly TopicSpec[]): Promise<string[]>;
  /** High watermark per partition. */
  topicEndOffsets(topic: string): Promise<Map<number, bigint>>;
  /** Low and high watermark of every partition, in partition order. */
  topicOffsets(topic: string): Promise<PartitionOffsets[]>;
  /** Committed offset per partition; null where the group has committed nothing. */
  committedOffsets(groupId: string, topic: string): Promise<Map<number, bigint | null>>;
  /**
   * The largest record batch `topic` accepts (its effective `max.message.bytes`: the topic's own setting, else the
   * broker's `message.max.bytes`).
   */
  maxMessageBytes(topic: string): Promise<number>;
  /** Per-partition lag: end − committed, or end − log start when nothing is committed. */
  consumerLag(groupId: string, topic: string): Promise<PartitionLag[]>;
}

async function call<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toAdapterError(err, what);
  }
}

// kafkajs's fetchTopicOffsets retries only UNKNOWN_TOPIC_OR_PARTITION (with its own metadata refresh) and gives up
// at once on the other leadership errors, which ListOffsets meets right after a topic is created or a leader moved,
// until the client's metadata is fresh. Those are retried here; a topic kafkajs already retried as unknown is not.
const isStaleLeadership = (type: string) => STALE_LEADERSHIP_CODES.has(type) && type !== 'UNKNOWN_TOPIC_OR_PARTITION';
const OFFSETS_ATTEMPTS = 8;
const OFFSETS_RETRY: RetryPolicy = { initialMs: 200, maxMs: 2_000, factor: 2, jitter: 0.2 };

export interface AdminClientOptions {
  /** Waits between attempts (tests pass an instant one). */
  readonly sleep?: (ms: number) => Promise<void>;
}

type Sleep = NonNullable<AdminClientOptions['sleep']>;
type TopicWatermarks = Awaited<ReturnType<Admin['fetchTopicOffsets']>>;

const realSleep: Sleep = (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createAdminClient(kafka: Kafka, options: AdminClientOptions = {}): AdminClient {
  const admin: Admin = kafka.admin({ retry: pinnedRetry() });
  const sleep = options.sleep ?? realSleep;
  const watermarks = (topic: string) => fetchWatermarks(admin, topic, sleep);
  // consumerLag calls this wrapped one: toAdapterError keeps the innermost context, so a failure there says which fetch.
  const committedOffsets = (groupId: string, topic: string) =>
    call(`committed offsets of ${groupId} on ${topic}`, () => fetchCommittedOffsets(admin, groupId, topic));

  return {
    connect: () => call('admin connect', () => admin.connect()),
    disconnect: () => call('admin disconnect', () => admin.disconnect()),
    ensureTopics: (topics) => call('ensureTopics', () => createMissingTopics(admin, topics)),
    topicEndOffsets: (topic) => call(`end offsets of ${topic}`, async () => highWatermarks(await watermarks(topic))),
    topicOffsets: (topic) => call(`offsets of ${topic}`, async () => partitionOffsets(await watermarks(topic))),
    committedOffsets,
    maxMessageBytes: (topic) => call(`max.message.bytes of ${topic}`, () => fetchMaxMessageBytes(admin, topic)),
    consumerLag: (groupId, topic) =>
      call(`lag of ${groupId} on ${topic}`, async () => {
        const [offsets, committed] = await Promise.all([watermarks(topic), committedOffsets(groupId, topic)]);
        return lagPerPartition(offsets, committed);
      }),
  };
}

/** Watermarks of every partition: after a leadership error, fresh metadata and another try (about 10 s in all). */
async function fetchWatermarks(admin: Admin, topic: string, sleep: Sleep): Promise<TopicWatermarks> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await admin.fetchTopicOffsets(topic);
    } catch (err) {
      const type = (err as { type?: unknown }).type;
      if (attempt >= OFFSETS_ATTEMPTS || typeof type !== 'string' || !isStaleLeadership(type)) throw err;
      await sleep(backoffDelay(attempt, OFFSETS_RETRY));
      // Refreshes the client's metadata of the topic: the next try asks the partition's current leader.
      await admin.fetchTopicMetadata({ topics: [topic] });
    }
  }
}

const highWatermarks = (offsets: TopicWatermarks) => new Map(offsets.map((o) => [o.partition, BigInt(o.high)]));

const partitionOffsets = (offsets: TopicWatermarks): PartitionOffsets[] =>
  offsets
    .map((o) => ({ partition: o.partition, low: BigInt(o.low), high: BigInt(o.high) }))
    .sort((a, b) => a.partition - b.partition);

async function fetchCommittedOffsets(admin: Admin, groupId: string, topic: string) {
  const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
  // kafkajs reports "never committed" as offset -1.
  return new Map<number, bigint | null>(
    (entry?.partitions ?? []).map((p) => [p.partition, Number(p.offset) < 0 ? null : BigInt(p.offset)]),
  );
}

function lagPerPartition(offsets: TopicWatermarks, committed: Map<number, bigint | null>): PartitionLag[] {
  return offsets
    .map((o) => {
      const end = BigInt(o.high);
      const c = committed.get(o.partition) ?? null;
      // Nothing committed: the group starts at the log start, so everything still retained is lag.
      const from = c ?? BigInt(o.low);
      const lag = end > from ? end - from : 0n;
      return { partition: o.partition, committed: c, end, lag };
    })
    .sort((a, b) => a.partition - b.partition);
}

function validateTopicSpecs(topics: readonly TopicSpec[]): void {
  topics.forEach((t, i) => {
    if (typeof t.topic !== 'string' || t.topic.length === 0)
      throw invalid(`topics/${i}/topic`, 'must be a non-empty string');
    if (!Number.isInteger(t.partitions) || t.partitions < 1) throw invalid(`topics/${i}/partitions`, 'must be ≥ 1');
  });
}

const toTopicConfig = (t: TopicSpec): ITopicConfig => ({
  topic: t.topic,
  numPartitions: t.partitions,
  // -1 asks the broker for its default.replication.factor.
  replicationFactor: t.replicationFactor ?? -1,
  configEntries: Object.entries(t.config ?? {}).map(([name, value]) => ({ name, value })),
});

async function createMissingTopics(admin: Admin, topics: readonly TopicSpec[]): Promise<string[]> {
  validateTopicSpecs(topics);
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t.topic));
  if (missing.length === 0) return [];
  try {
    await admin.createTopics({ waitForLeaders: true, topics: missing.map(toTopicConfig) });
  } catch (err) {
    // Another instance created them between our list and create: that is the state we wanted.
    const stillMissing = new Set(await admin.listTopics());
    if (missing.some((t) => !stillMissing.has(t.topic))) throw err;
  }
  return missing.map((t) => t.topic);
}

async function fetchMaxMessageBytes(admin: Admin, topic: string): Promise<number> {
  const { resources } = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['max.message.bytes'] }],
  });
  const value = resources[0]?.configEntries.find((e) => e.configName === 'max.message.bytes')?.configValue;
  const bytes = Number(value);
  if (!Number.isSafeInteger(bytes) || bytes <= 0)
    throw new Error(`the broker reported no usable max.message.bytes (${String(value)})`);
  return bytes;
}
