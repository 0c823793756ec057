// TEMPORARY (lead's stand-in until the kafkajs-fixes branch lands): kafkajs's partitioner extension point with our murmur2.
import type { ICustomPartitioner } from 'kafkajs';
import { partitionForKey } from './partitioner';

export const kafkajsPartitioner: ICustomPartitioner = () => {
  let counter = 0;
  return ({ partitionMetadata, message }) => {
    const n = partitionMetadata.length;
    if (message.partition !== undefined && message.partition !== null) return message.partition;
    if (message.key === null || message.key === undefined) return counter++ % n;
    return partitionForKey(Buffer.isBuffer(message.key) ? message.key : Buffer.from(message.key), n);
  };
};
