// libs/kafka: the only importer of kafkajs. Its public surface speaks in our own types.
export type { ConsumedRecord, OutgoingRecord, RecordHeaders } from './types';
