import { releaseLocalKafka } from './local-kafka';

/** Stops the broker only if this run's global setup started it (and no other test process still uses it). */
export default async function globalTeardown(): Promise<void> {
  const holder = process.env['LOGIN_TEST_KAFKA_LEASE'];
  if (holder) await releaseLocalKafka(Number(holder));
}
