import type { ConsumedRecord } from '../types';

/** A record of partition in/0 for unit tests; its value names its offset, so outputs show which input they came from. */
export const consumedRecord = (offset: number): ConsumedRecord => ({
  topic: 'in',
  partition: 0,
  offset: String(offset),
  timestamp: '0',
  key: null,
  value: Buffer.from(`v${offset}`),
  headers: {},
});
