// Data: one topic per data set, prefilled once by the generator's own event builder and read by every variant of
// the run from a fresh group, so all of them drain the same events.
import os from 'node:os';
import path from 'node:path';
import { log } from './log.mjs';
import { runWorker } from './runtime.mjs';

/** The run's input topics and the payload file ProducerPerformance replays (the main set's values). */
export function dataTopics(run) {
  return {
    main: `${run.runId}-in`,
    invalid: `${run.runId}-in-invalid`,
    invalidSmall: `${run.runId}-in-invalid-small`,
    payloadFile: path.join(os.tmpdir(), `${run.runId}-payloads.txt`),
    withInvalid: !run.config.skip.has('invalid'),
  };
}

/** Creates and fills the input topics; resolves with what the generator reports for each data set. */
export async function prefillData(run, topics) {
  const { config, admin } = run;
  await admin.createTopics(topics.withInvalid ? [topics.main, topics.invalid, topics.invalidSmall] : [topics.main]);
  log(`prefilling ${topics.main} with ${config.count} events (${config.invalidRatio * 100}% invalid)`);
  const main = await prefill(run, topics.main, config.invalidRatio, { payloadFile: topics.payloadFile });
  if (!topics.withInvalid) return { main, invalid: undefined, invalidSmall: undefined };
  log(
    `prefilling ${topics.invalid} with ${config.count} events (${config.invalidShare * 100}% invalid, the generator's mix)`,
  );
  const invalid = await prefill(run, topics.invalid, config.invalidShare);
  // The generator's mix includes 'oversized' values (64–96 KiB each, dead-lettered byte for byte): they multiply
  // the bytes to move. This set leaves them out, to separate the cost of invalid records from that of bytes.
  log(
    `prefilling ${topics.invalidSmall} with ${config.count} events (${config.invalidShare * 100}% invalid, no oversized values)`,
  );
  const invalidSmall = await prefill(run, topics.invalidSmall, config.invalidShare, { excludeKinds: ['oversized'] });
  return { main, invalid, invalidSmall };
}

function prefill(run, topic, invalidRatio, extra = {}) {
  const { brokers, count, seed } = run.config;
  return runWorker(run.bundles.generate, 'prefill', { brokers, topic, count, invalidRatio, seed, ...extra }).result;
}
