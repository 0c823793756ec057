// Our partitioning as kafkajs's partitioner (its extension point `createPartitioner`), for the records kafkajs
// partitions itself. libs/kafka assigns partitions before sending (partitioning.ts), so this serves as a safety net
// with the same answers: an explicit partition is kept, a key goes where Java would put it, a record without a key
// rotates over the partitions.
import type { ICustomPartitioner } from 'kafkajs';
import { partitionForKey } from '../partitioner';

export const kafkajsPartitioner: ICustomPartitioner = () => {
  let next = 0;
  return ({ partitionMetadata, message }) => {
    if (message.partition !== undefined && message.partition !== null) return message.partition;
    const count = partitionMetadata.length;
    if (message.key === null || message.key === undefined) return next++ % count;
    return partitionForKey(Buffer.isBuffer(message.key) ? message.key : Buffer.from(message.key), count);
  };
};
