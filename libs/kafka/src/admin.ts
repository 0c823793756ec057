// Admin helpers: topics that must exist, watermarks, committed offsets, lag and group descriptions, in our types.
import { ConfigResourceTypes, type Admin, type Kafka } from 'kafkajs';
import { toAdapterError } from './errors';
import { invalid } from './options';

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

/** The broker's state names of a classic consumer group; a group that does not exist is 'Dead'. */
export type GroupState = 'Empty' | 'Stable' | 'PreparingRebalance' | 'CompletingRebalance' | 'Dead' | 'Unknown';

export interface GroupMember {
  readonly memberId: string;
  readonly clientId: string;
  readonly host: string;
}

export interface GroupDescription {
  readonly groupId: string;
  readonly state: GroupState;
  readonly members: readonly GroupMember[];
}

const GROUP_STATES: ReadonlySet<string> = new Set(['Empty', 'Stable', 'PreparingRebalance', 'CompletingRebalance', 'Dead']);

export interface AdminClient {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  /** Creates the topics that do not exist yet (safe to rerun); resolves with the names it created. */
  ensureTopics(topics: readonly TopicSpec[]): Promise<string[]>;
  /** High watermark per partition. */
  topicEndOffsets(topic: string): Promise<Map<number, bigint>>;
  /** Low and high watermark of every partition, in partition order. */
  topicOffsets(topic: string): Promise<PartitionOffsets[]>;
  /** State and members of a consumer group; a group that does not exist is 'Dead' without members. */
  describeGroup(groupId: string): Promise<GroupDescription>;
  /** Committed offset per partition; null where the group has committed nothing. */
  committedOffsets(groupId: string, topic: string): Promise<Map<number, bigint | null>>;
  /** Per-partition lag: end − committed, or end − log start when nothing is committed. */
  consumerLag(groupId: string, topic: string): Promise<PartitionLag[]>;
  /**
   * The effective values of topic configs (`max.message.bytes`, …): the topic's own or the broker default it
   * inherits. A name the broker does not know is left out of the map.
   */
  topicConfig(topic: string, names: readonly string[]): Promise<Map<string, string>>;
}

async function call<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toAdapterError(err, what);
  }
}

export function createAdminClient(kafka: Kafka): AdminClient {
  const admin: Admin = kafka.admin();

  const committedOffsets = (groupId: string, topic: string) =>
    call(`committed offsets of ${groupId} on ${topic}`, async () => {
      const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
      return new Map<number, bigint | null>(
        (entry?.partitions ?? []).map((p) => [p.partition, Number(p.offset) < 0 ? null : BigInt(p.offset)]),
      );
    });

  return {
    connect: () => call('admin connect', () => admin.connect()),
    disconnect: () => call('admin disconnect', () => admin.disconnect()),

    ensureTopics: (topics) =>
      call('ensureTopics', async () => {
        topics.forEach((t, i) => {
          if (typeof t.topic !== 'string' || t.topic.length === 0) throw invalid(`topics/${i}/topic`, 'must be a non-empty string');
          if (!Number.isInteger(t.partitions) || t.partitions < 1) throw invalid(`topics/${i}/partitions`, 'must be ≥ 1');
        });
        const existing = new Set(await admin.listTopics());
        const missing = topics.filter((t) => !existing.has(t.topic));
        if (missing.length === 0) return [];
        try {
          await admin.createTopics({
            waitForLeaders: true,
            topics: missing.map((t) => ({
              topic: t.topic,
              numPartitions: t.partitions,
              replicationFactor: t.replicationFactor ?? -1,
              configEntries: Object.entries(t.config ?? {}).map(([name, value]) => ({ name, value })),
            })),
          });
        } catch (err) {
          // Another instance created them between our list and create: that is the state we wanted.
          const stillMissing = new Set(await admin.listTopics());
          if (missing.some((t) => !stillMissing.has(t.topic))) throw err;
        }
        return missing.map((t) => t.topic);
      }),

    topicEndOffsets: (topic) =>
      call(`end offsets of ${topic}`, async () => {
        const offsets = await admin.fetchTopicOffsets(topic);
        return new Map(offsets.map((o) => [o.partition, BigInt(o.high)]));
      }),

    topicOffsets: (topic) =>
      call(`offsets of ${topic}`, async () => {
        const offsets = await admin.fetchTopicOffsets(topic);
        return offsets
          .map((o) => ({ partition: o.partition, low: BigInt(o.low), high: BigInt(o.high) }))
          .sort((a, b) => a.partition - b.partition);
      }),

    describeGroup: (groupId) =>
      call(`description of group ${groupId}`, async () => {
        const { groups } = await admin.describeGroups([groupId]);
        const group = groups.find((g) => g.groupId === groupId);
        if (!group) return { groupId, state: 'Dead' as const, members: [] };
        return {
          groupId,
          state: GROUP_STATES.has(group.state) ? (group.state as GroupState) : 'Unknown',
          members: group.members
            .map((m) => ({ memberId: m.memberId, clientId: m.clientId, host: m.clientHost }))
            .sort((a, b) => a.memberId.localeCompare(b.memberId)),
        };
      }),

    committedOffsets,

    consumerLag: (groupId, topic) =>
      call(`lag of ${groupId} on ${topic}`, async () => {
        const [offsets, committed] = await Promise.all([admin.fetchTopicOffsets(topic), committedOffsets(groupId, topic)]);
        return offsets
          .map((o) => {
            const end = BigInt(o.high);
            const c = committed.get(o.partition) ?? null;
            const from = c ?? BigInt(o.low);
            const lag = end > from ? end - from : 0n;
            return { partition: o.partition, committed: c, end, lag };
          })
          .sort((a, b) => a.partition - b.partition);
      }),

    topicConfig: (topic, names) =>
      call(`configs of ${topic}`, async () => {
        const { resources } = await admin.describeConfigs({
          resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: [...names] }],
          includeSynonyms: false,
        });
        const entries = resources.find((r) => r.resourceName === topic)?.configEntries ?? [];
        return new Map(entries.filter((e) => e.configValue !== null && e.configValue !== undefined).map((e) => [e.configName, e.configValue]));
      }),
  };
}
