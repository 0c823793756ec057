// What the runner does when sending or committing a chunk fails: the one place that decides, as a pure function.
// - A group-membership error (rebalance, fenced generation, unknown member) goes back to kafkajs, which rejoins;
//   the uncommitted chunk is redelivered to whoever owns the partition then.
// - An error a retry can fix (broker away, leader moved, coordinator moved, missing acknowledgement, producer
//   replaced) is retried with capped exponential backoff and jitter, as long as the partition is still ours.
// - Anything else (authorisation, a record too large for the topic, a bug) stops the runner: retrying it forever
//   would hide it, and nothing past an unacknowledged record was committed.
import { backoffDelay, type RetryPolicy } from '../backoff';
import { classifyError, REBALANCE_CODES } from '../errors';

export type RetryDecision =
  | { readonly action: 'retry'; readonly code: string; readonly delayMs: number }
  | { readonly action: 'rejoin'; readonly code: string }
  | { readonly action: 'fatal'; readonly code: string };

export function decideRetry(
  error: unknown,
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): RetryDecision {
  const { retriable, code } = classifyError(error);
  if (REBALANCE_CODES.has(code)) return { action: 'rejoin', code };
  if (!retriable) return { action: 'fatal', code };
  return { action: 'retry', code, delayMs: backoffDelay(attempt, policy, random) };
}
