// Fetch requests without a consumer group. kafkajs has no assign(): its consumer fetches only as a group member,
// and a group member's fetch position comes from the offsets it resolves. A reader that must not depend on a
// group sends Fetch requests itself, through kafkajs's Cluster (metadata, leaders, connections, TLS/SASL) and
// Broker.fetch (request versions, record batch decoding). Both are typed by kafkajs; only the Cluster's
// constructor is private (a factory under a Symbol on the Kafka instance, which its producer, consumer and admin
// use). This module is the one place that reaches it, and checks it is there, so a kafkajs upgrade that moves it
// fails here with a clear message rather than somewhere inside a read.
import type { Cluster, IHeaders, Kafka } from 'kafkajs';
import { KafkaAdapterError } from './errors';

/** kafkajs's protocol constant for isolation level read_committed (`ISOLATION_LEVEL.READ_COMMITTED`). */
const READ_COMMITTED = 1;
const FACTORY = 'private:Kafka:createCluster';

/** A record as kafkajs's Fetch decoder returns it, with the context of its record batch. */
export interface FetchedMessage {
  readonly offset: string;
  readonly timestamp: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers?: IHeaders;
  /** True for the commit/abort markers of transactions (never handed to a reader's caller). */
  readonly isControlRecord?: boolean;
  readonly batchContext: {
    readonly firstOffset: string;
    readonly lastOffsetDelta: number;
    readonly producerId: string;
    readonly inTransaction: boolean;
  };
}

/** One partition of a Fetch response. */
export interface FetchedPartition {
  readonly partition: number;
  readonly highWatermark: string;
  readonly lastStableOffset: string;
  /** Transactions aborted in the fetched range (read_committed): their records must be dropped by the reader. */
  readonly abortedTransactions: readonly { readonly producerId: string; readonly firstOffset: string }[];
  readonly messages: readonly FetchedMessage[];
}

export interface FetchRequest {
  readonly topic: string;
  readonly partitions: readonly { readonly partition: number; readonly fetchOffset: bigint }[];
  readonly maxWaitTimeMs: number;
  /** Bytes per partition; the broker still returns a first record batch that is larger. */
  readonly maxBytesPerPartition: number;
  /** Bytes of the whole response (same exception). */
  readonly maxBytes: number;
}

/** A connection to the cluster for group-less reads: leaders, Fetch (read_committed), earliest offsets. */
export interface FetchSession {
  connect(topic: string): Promise<void>;
  /** Partitions of `topic` by the node id of their leader, from the cached metadata. */
  leaders(topic: string, partitions: readonly number[]): Map<string, number[]>;
  refreshMetadata(): Promise<void>;
  /** One Fetch request to `nodeId`; rejects with kafkajs's error (partition errors included) for the caller to sort. */
  fetch(nodeId: string, request: FetchRequest): Promise<FetchedPartition[]>;
  /** The log start offset of each partition. */
  earliestOffsets(topic: string, partitions: readonly number[]): Promise<Map<number, bigint>>;
  disconnect(): Promise<void>;
}

type ClusterFactory = (options: {
  allowAutoTopicCreation: boolean;
  isolationLevel: number;
  metadataMaxAge?: number;
}) => Cluster;

function clusterFactory(kafka: Kafka): ClusterFactory {
  const symbol = Object.getOwnPropertySymbols(kafka).find((s) => s.description === FACTORY);
  const factory: unknown = symbol === undefined ? undefined : (kafka as unknown as Record<symbol, unknown>)[symbol];
  if (typeof factory !== 'function') {
    throw new KafkaAdapterError(
      `this kafkajs version has no ${FACTORY} factory: group-less reads need libs/kafka's fetch-session.ts updated`,
      {
        code: 'UNSUPPORTED_CLIENT',
        canRetry: false,
      },
    );
  }
  return factory as ClusterFactory;
}

interface RawFetchResponse {
  responses: { topicName: string; partitions: FetchedPartition[] }[];
}

export function createFetchSession(kafka: Kafka): FetchSession {
  const cluster = clusterFactory(kafka)({ allowAutoTopicCreation: false, isolationLevel: READ_COMMITTED });
  return {
    async connect(topic) {
      await cluster.connect();
      await cluster.addTargetTopic(topic);
    },
    leaders(topic, partitions) {
      const byLeader = cluster.findLeaderForPartitions(topic, [...partitions]);
      return new Map(Object.entries(byLeader));
    },
    refreshMetadata: () => cluster.refreshMetadata(),
    async fetch(nodeId, request) {
      const broker = await cluster.findBroker({ nodeId });
      const response = (await broker.fetch({
        isolationLevel: READ_COMMITTED,
        maxWaitTime: request.maxWaitTimeMs,
        minBytes: 1,
        maxBytes: request.maxBytes,
        topics: [
          {
            topic: request.topic,
            partitions: request.partitions.map((p) => ({
              partition: p.partition,
              fetchOffset: p.fetchOffset.toString(),
              maxBytes: request.maxBytesPerPartition,
            })),
          },
        ],
      })) as RawFetchResponse;
      return response.responses.filter((r) => r.topicName === request.topic).flatMap((r) => r.partitions);
    },
    async earliestOffsets(topic, partitions) {
      const [offsets] = await cluster.fetchTopicsOffset([
        { topic, partitions: partitions.map((partition) => ({ partition })), fromBeginning: true },
      ]);
      return new Map((offsets?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
    },
    disconnect: () => cluster.disconnect(),
  };
}
