// What the command-line apps (generator, dlq-replayer) share: the token bucket behind --rate and the progress line.
export { createTokenBucket } from './token-bucket';
export type { Clock, TokenBucket, TokenBucketOptions } from './token-bucket';
export { createRateLimiter } from './rate-limiter';
export type { RateLimiter, SleepingClock } from './rate-limiter';
export { createProgressLine, renderBar } from './progress-line';
export type { ProgressLine, ProgressLineOptions, ProgressStream } from './progress-line';
