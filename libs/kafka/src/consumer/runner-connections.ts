// What the batch runner connects besides its group membership, and the order it closes everything in. Before the
// consumer joins, whatever commits a chunk is connected (at_least_once: the producer; exactly_once: the admin client
// that reads the group's committed offsets for the partitions' transactional producers), so no batch arrives that
// could not be committed. On stop the consumer goes first, because kafkajs's disconnect waits for the in-flight
// eachBatch, and that chunk still needs the producers and the admin client to send and commit.
import type { Consumer, Kafka } from 'kafkajs';
import { createAdminClient, type AdminClient } from '../admin';
import { describeError, KafkaAdapterError } from '../errors';
import type { LoggerLike } from '../options';
import { createTransactionalProducer } from '../producer/transactional-producer';
import type { RecordProducer } from '../producer/record-producer';
import { partitionProducerOptions } from './consumer-options';
import { PartitionTransactions } from './partition-transactions';
import type { BatchConsumerOptions } from './types';

export interface RunnerConnectionsDeps {
  readonly kafka: Kafka;
  /** The client's logger, for the exactly_once partitions' transactional producers. */
  readonly clientLogger: LoggerLike;
  readonly consumer: Consumer;
  readonly producer: RecordProducer;
  /** Whether the runner made the producer, and so disconnects it. */
  readonly ownProducer: boolean;
  readonly logger: LoggerLike;
  readonly groupId: string;
  readonly component: string;
}

export class RunnerConnections {
  // exactly_once: the group's committed offsets are read after each initTransactions (partition-transactions.ts).
  private admin: AdminClient | undefined;

  constructor(private readonly d: RunnerConnectionsDeps) {}

  /** exactly_once: a transactional producer per input partition, reading the group's committed offsets. */
  partitionTransactions<O>(options: BatchConsumerOptions<O>): PartitionTransactions {
    const { kafka, clientLogger } = this.d;
    return new PartitionTransactions(options.groupId, {
      create: (transactionalId) =>
        createTransactionalProducer(kafka, clientLogger, partitionProducerOptions(options, transactionalId)),
      committedOffset: async (topic, partition) => {
        if (!this.admin) throw new KafkaAdapterError('not started', { code: 'NOT_CONNECTED', canRetry: true });
        return (await this.admin.committedOffsets(options.groupId, topic)).get(partition) ?? null;
      },
    });
  }

  /** Connects what commits a chunk, before the consumer joins (see the file comment). */
  async connectBeforeJoin(exactlyOnce: boolean): Promise<void> {
    if (exactlyOnce) {
      const admin = createAdminClient(this.d.kafka);
      await admin.connect();
      this.admin = admin;
    } else if (!this.d.producer.isConnected()) {
      await this.d.producer.connect();
    }
  }

  /** stop: the consumer first (it finishes the in-flight chunk), then what that chunk sent and committed through. */
  async disconnectAll(transactions: PartitionTransactions | undefined): Promise<void> {
    const { logger } = this.d;
    // disconnect() stops the runner first, which waits for the in-flight eachBatch: the chunk being processed
    // is sent and committed, the rest of its batch is left for the next owner of the partition.
    await this.d.consumer
      .disconnect()
      .catch((err: unknown) => logger.warn('consumer disconnect failed', this.meta(err)));
    await transactions?.closeAll();
    await this.admin?.disconnect().catch((err: unknown) => logger.debug('admin disconnect failed', this.meta(err)));
    if (this.d.ownProducer) await this.d.producer.disconnect();
  }

  /** A start that failed part way: whatever got connected is closed again, quietly (the start's error is the news). */
  async disconnectAfterFailedStart(): Promise<void> {
    const { logger } = this.d;
    await this.d.consumer
      .disconnect()
      .catch((e: unknown) => logger.debug('disconnect after a failed start failed', this.meta(e)));
    await this.admin
      ?.disconnect()
      .catch((e: unknown) => logger.debug('admin disconnect after a failed start failed', this.meta(e)));
    if (this.d.ownProducer) await this.d.producer.disconnect();
  }

  private meta(err: unknown) {
    return { component: this.d.component, groupId: this.d.groupId, ...describeError(err) };
  }
}
