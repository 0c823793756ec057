// kafkajs's retry settings, always given in full. kafkajs picks other defaults when NODE_ENV=test (50 ms initial,
// 15 retries, 1 s cap: src/retry/index.js), and Jest sets NODE_ENV=test, so any field left out would make
// in-process tests run other retry timings than production. Every kafkajs client, producer, consumer and admin made
// by libs/kafka gets its retry object from here.
import type { RetryOptions } from 'kafkajs';

/** kafkajs's production defaults (src/retry/defaults.js), stated so that NODE_ENV cannot change them. */
export const KAFKAJS_RETRY_DEFAULTS: Required<Omit<RetryOptions, 'restartOnFailure'>> = Object.freeze({
  maxRetryTime: 30_000,
  initialRetryTime: 300,
  factor: 0.2,
  multiplier: 2,
  retries: 5,
});

/** A complete kafkajs retry object: the production defaults with `overrides` on top. */
export function pinnedRetry(overrides: RetryOptions = {}): RetryOptions {
  return { ...KAFKAJS_RETRY_DEFAULTS, ...overrides };
}
