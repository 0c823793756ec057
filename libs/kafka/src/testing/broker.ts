import { Kafka, logLevel } from 'kafkajs';

export const DEFAULT_BROKERS = '127.0.0.1:9092';

/** The brokers the tests talk to: set by the global setup, so every test file sees the same cluster. */
export function testBrokers(): string[] {
  return (process.env['KAFKA_BROKERS'] ?? DEFAULT_BROKERS).split(',').map((b) => b.trim());
}

/** A kafkajs client for test helpers only; product code goes through libs/kafka's own factories. */
export function testKafka(clientId = 'test-helpers'): Kafka {
  return new Kafka({
    clientId,
    brokers: testBrokers(),
    logLevel: logLevel.NOTHING,
    retry: { retries: 5, initialRetryTime: 100 },
  });
}
