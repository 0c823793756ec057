import names from './topics.json';

/**
 * The default topic names of the pipeline (docs/contracts.md#topics), declared once: every app's config takes its
 * topic defaults from here, and `tools/kafka` reads the same JSON to create the topics locally, in tests and in CI.
 */
export const DEFAULT_TOPICS: Readonly<{ input: string; output: string; dlq: string; parked: string }> = Object.freeze({
  ...names,
});
