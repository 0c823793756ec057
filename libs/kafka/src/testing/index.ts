// Test helpers for integration tests against a real broker. Import from '@login/kafka/testing' in tests only.
// Nothing here exposes a kafkajs type: tests speak in ConsumedRecord / OutgoingRecord like product code.
export { brokerAnswers, testBrokers } from './broker';
export { consumeUntil } from './consume';
export type { ConsumeOptions } from './consume';
export { committedOffsets, endOffsets, groupsWithOffsets, recordCount } from './offsets';
export { freePort } from './ports';
export { produceRaw } from './produce';
export type { ProduceRawOptions } from './produce';
export { createTestTopic, deleteTestTopics, trackTestTopic, uniqueName } from './topics';
export { sumOffsets, waitFor } from './wait';
