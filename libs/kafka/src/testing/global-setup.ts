import { DEFAULT_BROKERS } from './broker';
import { brokerAnswers, leaseLocalKafka, localKafkaRunning } from './local-kafka';

/**
 * Jest global setup for integration tests: use KAFKA_BROKERS when a broker answers there, otherwise start one
 * with tools/kafka. Runs in Jest's parent process, so the environment it sets reaches every test worker.
 * When the broker is the one tools/kafka runs, this process takes a lease on it, so that a parallel test run
 * that started it cannot stop it under our feet.
 */
export default async function globalSetup(): Promise<void> {
  const wanted = process.env['KAFKA_BROKERS'] ?? DEFAULT_BROKERS;
  const local = await localKafkaRunning();
  if (local !== wanted && (await brokerAnswers(wanted))) {
    process.env['KAFKA_BROKERS'] = wanted;
    return;
  }
  if (!local) process.stderr.write(`\n[integration] no broker answers at ${wanted}: starting one with tools/kafka\n`);
  const lease = await leaseLocalKafka(process.pid);
  process.env['KAFKA_BROKERS'] = lease.bootstrap;
  process.env['LOGIN_TEST_KAFKA_LEASE'] = String(process.pid);
}
