// Test helpers for integration tests against a real broker. Import from '@login/kafka/testing' in tests only.
// Nothing here exposes a kafkajs type: tests speak in ConsumedRecord / OutgoingRecord like product code.
export { testBrokers } from './broker';
export { CLUSTER_BASE_PORTS } from './cluster-ports';
export type { ClusterPortName } from './cluster-ports';
export { consumeUntil, readCommitted, readToEnd } from './consume';
export type { ConsumeOptions } from './consume';
export { reportFaultRun } from './fault-report';
export type { FaultRunResult } from './fault-report';
export { startLocalCluster } from './local-cluster';
export type { Toxic, Toxiproxy } from './toxiproxy';
export type { LocalCluster, LocalClusterOptions, NodeChange } from './local-cluster';
export {
  committedOffsets,
  endOffsets,
  groupsWithOffsets,
  partitionsWithOpenTransactions,
  recordCount,
} from './offsets';
export { freePort } from './ports';
export { quietLogger } from './quiet-logger';
export { produceRaw, produceTransactions } from './produce';
export type { ProduceRawOptions } from './produce';
export { produceStream } from './stream';
export type { RecordStream } from './stream';
export { testConsumers } from './test-consumers';
export type { TestConsumerOptions, TestConsumers } from './test-consumers';
export { createPipelineTopics, createTestTopic, deleteTestTopics, trackTestTopic, uniqueName } from './topics';
export { sumOffsets, waitFor } from './wait';
