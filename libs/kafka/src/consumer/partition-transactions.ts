// Exactly-once: one transactional producer per input partition, with a transactional id derived from the group,
// the topic and the partition, so it is the same on whichever instance owns the partition and across restarts.
// kafkajs commits offsets in a transaction with TxnOffsetCommit v0-1, which carries no consumer-group generation
// (KIP-447's fencing by group metadata is not available): a member that lost a partition in a rebalance could still
// commit a transaction for it. What fences it instead is the partition's transactional id: the new owner's
// initTransactions bumps the id's epoch, which aborts the old owner's open transaction and refuses every later
// request of the old owner (PRODUCER_FENCED). That is the scheme Kafka Streams used before KIP-447.
//
// After every initTransactions the partition's committed offset is read again: only then is it final (no older
// producer can commit any more), and records below it were already processed by whoever committed them.
import type { TransactionalProducer } from '../producer/transactional-producer';

export interface PartitionTransactionsDeps {
  /** A producer for this transactional id (not connected). */
  create(transactionalId: string): TransactionalProducer;
  /** The group's committed offset of a partition (the next record to read), null when none. */
  committedOffset(topic: string, partition: number): Promise<bigint | null>;
}

export interface AcquiredPartition {
  readonly producer: TransactionalProducer;
  /** The committed offset read after initTransactions: records below it are done. */
  readonly committed: bigint | null;
}

const tpKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/** The transactional id of a partition of a group's input: stable, so a new owner fences the old one. */
export function transactionalIdFor(groupId: string, topic: string, partition: number): string {
  return `${groupId}.${topic}.${partition}`;
}

export class PartitionTransactions {
  private readonly producers = new Map<string, { topic: string; partition: number; producer: TransactionalProducer }>();
  private readonly fencedPartitions = new Set<string>();
  private assignments = 0;

  constructor(
    private readonly groupId: string,
    private readonly deps: PartitionTransactionsDeps,
  ) {}

  /**
   * The partition's producer, ready for a transaction: created and initialised when it is new or its last
   * transaction failed (which fences any older owner), with the committed offset read after that initialisation.
   * Without a new initialisation `committed` is undefined: nobody else can have committed since.
   */
  async acquire(
    topic: string,
    partition: number,
  ): Promise<{ producer: TransactionalProducer; committed: bigint | null | undefined }> {
    const key = tpKey(topic, partition);
    let entry = this.producers.get(key);
    if (!entry) {
      entry = { topic, partition, producer: this.deps.create(transactionalIdFor(this.groupId, topic, partition)) };
      this.producers.set(key, entry);
    }
    if (entry.producer.isConnected()) return { producer: entry.producer, committed: undefined };
    await entry.producer.connect();
    return { producer: entry.producer, committed: await this.deps.committedOffset(topic, partition) };
  }

  /** Counts the (re)joins: a chunk notes it when it starts, so a late answer can be told from a current one. */
  get generation(): number {
    return this.assignments;
  }

  /**
   * Another instance took the partition's transactional id over: never initialise it again until a rejoin. A
   * chunk that started before the last rejoin says nothing about the current assignment (a zombie resumed, was
   * fenced mid-transaction and rejoined before the answer arrived, and owns the partition again): ignored, else
   * the partition would stand still with nobody processing it.
   */
  markFenced(topic: string, partition: number, generation: number): void {
    if (generation !== this.assignments) return;
    this.fencedPartitions.add(tpKey(topic, partition));
  }

  isFenced(topic: string, partition: number): boolean {
    return this.fencedPartitions.has(tpKey(topic, partition));
  }

  /**
   * After a (re)join: every producer is closed, also those of partitions this member keeps. A revoked partition's
   * transactional id is the new owner's now. A kept one may have had another owner in between (this member was
   * frozen, dropped from the group and rejoined with the same partitions); that owner's initTransactions made the
   * kept producer's epoch stale, so its first transaction would be fenced, in the current generation, and the
   * partition would stand still. Initialising again fences whoever owned it in between and reads the committed
   * offset anew. Fenced marks are forgotten: an owned partition is ours again.
   */
  async assigned(): Promise<void> {
    this.assignments += 1;
    this.fencedPartitions.clear();
    await this.closeAll();
  }

  async closeAll(): Promise<void> {
    const all = [...this.producers.values()];
    this.producers.clear();
    await Promise.all(all.map((e) => e.producer.disconnect()));
  }

  /** Open producers, for tests and metrics. */
  size(): number {
    return this.producers.size;
  }
}
